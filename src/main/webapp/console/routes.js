// The console's pages: one entry per page. Adding a page is a module under pages/ that exports
// render(view, params, ctx) and one line here. `menu` is the label in the menu (none: reached by
// links only); `admin` pages are hidden from users and refused by the API anyway.
export const routes = [
  { path: 'mailboxes', menu: 'My mailboxes', load: () => import('./pages/mailboxes.js') },
  { path: 'activity', menu: 'My activity', load: () => import('./pages/activity.js') },
  { path: 'records', menu: 'Records', load: () => import('./pages/records.js') },
  { path: 'records/:type', load: () => import('./pages/records.js') },
  { path: 'records/:type/:id', load: () => import('./pages/record.js') },
  { path: 'sends', menu: 'Scheduled sends', load: () => import('./pages/sends.js') },
  { path: 'shortcuts', menu: 'Text shortcuts', load: () => import('./pages/shortcuts.js') },
  { path: 'setup', menu: 'Outlook and Gmail', load: () => import('./pages/setup.js') },
  { path: 'users', menu: 'Users', admin: true, load: () => import('./pages/users.js') },
  { path: 'providers', menu: 'Provider apps', admin: true, load: () => import('./pages/providers.js') },
  { path: 'exchange', menu: 'Exchange', admin: true, load: () => import('./pages/exchange.js') },
  { path: 'connections', menu: 'Mailbox connections', admin: true, load: () => import('./pages/connections.js') },
  { path: 'audit', menu: 'Audit log', admin: true, load: () => import('./pages/audit.js') },
  { path: 'keys', menu: 'Encryption keys', admin: true, load: () => import('./pages/keys.js') },
  { path: 'productivity', menu: 'Productivity', admin: true, load: () => import('./pages/productivity.js') },
  { path: 'org', menu: 'Organisation', admin: true, load: () => import('./pages/org.js') },
];

export const home = 'mailboxes';
