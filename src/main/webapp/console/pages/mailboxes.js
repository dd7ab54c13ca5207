// My mailboxes: connect Google or Microsoft through the provider's consent page, reconnect when
// the provider wants consent again, revoke.
import { h, show, heading, errorLine, act, table, when, confirmButton, statusLine } from '../dom.js';

const STATES = {
  active: 'Connected',
  reauth_required: 'Needs you to reconnect',
};

export async function render(view, params, { api }) {
  const list = h('div', { id: 'mailbox-list' });
  const line = errorLine();
  const status = statusLine();
  const connect = (provider, label) => {
    const button = h('button', { type: 'button', id: 'connect-' + provider }, label);
    button.addEventListener('click', () => act(button, line, () => begin(api, '/api/oauth/' + provider + '/start')));
    return button;
  };
  show(view,
    heading('My mailboxes'),
    h('p', {}, 'Connect the mailbox you work in, so Mailbridge can log its emails and meetings. '
      + 'You are sent to Google or Microsoft to agree, then back here.'),
    h('div', { class: 'actions' }, connect('google', 'Connect Google'), connect('microsoft', 'Connect Microsoft')),
    line,
    status,
    list);

  async function load() {
    const page = await api.call('GET', '/api/mailboxes');
    show(list, table('Connected mailboxes', ['Mailbox', 'Provider', 'State', 'Connected', 'Last used', ''],
      page.items.map((m) => [
        h('span', { dataset: { address: m.address } }, m.address),
        m.provider === 'google' ? 'Google' : 'Microsoft',
        h('span', { class: 'state state-' + m.state }, STATES[m.state] || m.state),
        when(m.createdAt),
        when(m.lastUsedAt),
        h('div', { class: 'row-actions' },
          m.reconnect
            ? h('button', { type: 'button', onclick: (e) => act(e.target, line, () => begin(api, m.reconnect)) }, 'Reconnect')
            : null,
          confirmButton('Revoke', 'Really revoke?', (button) => act(button, line, async () => {
            const revoked = await api.call('DELETE', '/api/mailboxes/' + encodeURIComponent(m.id));
            status.textContent = m.address + ' is disconnected. ' + (revoked && revoked.message ? revoked.message : '');
            await load();
          }), { dataset: { revoke: m.address } })),
      ]), 'No mailbox is connected yet.'));
  }
  await load();
}

/** Starts a provider round trip: the server binds it to this browser and answers where to go. */
async function begin(api, startPath) {
  const started = await api.call('GET', startPath);
  location.assign(started.authorizationUrl);
}
