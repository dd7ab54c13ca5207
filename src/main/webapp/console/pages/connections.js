// Mailbox connections: every connected mailbox of the organisation, its state, and revoke.
import { h, show, heading, errorLine, act, table, when, confirmButton, statusLine } from '../dom.js';

export async function render(view, params, { api }) {
  const line = errorLine();
  const status = statusLine();
  const list = h('div', { id: 'connection-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show more');
  show(view, heading('Mailbox connections'), line, status, list, more);
  let rows = [];
  let cursor = null;
  async function load() {
    const page = await api.call('GET', '/api/admin/connections?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    draw();
  }
  const draw = () => show(list, table('Mailbox connections', ['Mailbox', 'Provider', 'User', 'State', 'Last used', ''],
    rows.map((c) => [c.address, c.provider, h('code', {}, c.userId),
      c.state === 'active' ? 'Connected' : 'Needs reconnect', when(c.lastUsedAt),
      confirmButton('Revoke', 'Really revoke?', (b) => act(b, line, async () => {
        const revoked = await api.call('DELETE', '/api/admin/connections/' + encodeURIComponent(c.id));
        rows = rows.filter((x) => x !== c);
        status.textContent = c.address + ' is disconnected. ' + ((revoked && revoked.message) || '');
        draw();
      }))]), 'No mailbox is connected in your organisation.'));
  more.addEventListener('click', () => act(more, line, load));
  await load();
}
