// Outlook and Gmail: where the add-in manifest is and how the Gmail extension is set up.
import { h, show, heading } from '../dom.js';

export async function render(view) {
  show(view,
    heading('Outlook and Gmail'),
    h('h2', {}, 'Outlook add-in'),
    h('p', {}, 'Your administrator installs the add-in for everyone, or you add it yourself in Outlook '
      + 'under "Get Add-ins", "My add-ins", "Add a custom add-in", "Add from file".'),
    h('p', {}, h('a', { href: '/addin/manifest.xml', download: 'mailbridge-manifest.xml', id: 'manifest-link' }, 'Download the add-in manifest')),
    h('h2', {}, 'Gmail'),
    h('ol', {},
      h('li', {}, 'Connect your Google mailbox on ', h('a', { href: '#/mailboxes' }, 'My mailboxes'), '.'),
      h('li', {}, 'Install the Mailbridge extension your administrator published for your Google Workspace.'),
      h('li', {}, 'Open an email in Gmail, pick the records in the Mailbridge panel and press "Log".'),
      h('li', {}, 'Logged emails get the Gmail label "Logged to CRM" and show on the records\' timelines.')));
}
