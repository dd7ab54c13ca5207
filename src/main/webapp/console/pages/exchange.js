// Exchange: the allow-list of on-premises servers, and the links between Exchange identities and users.
import { h, show, heading, field, checkbox, errorLine, act, table, when, confirmButton, statusLine } from '../dom.js';

export async function render(view, params, { api }) {
  const hosts = h('section', { class: 'panel', id: 'exchange-hosts' });
  const identities = h('section', { class: 'panel', id: 'exchange-identities' });
  show(view, heading('Exchange'), hosts, identities);
  await Promise.all([hostList(api, hosts), identityList(api, identities)]);
}

async function hostList(api, section) {
  let entries = await api.call('GET', '/api/admin/exchange/hosts');
  const line = errorLine();
  const status = statusLine();
  const list = h('div');
  const save = async (next) => {
    entries = await api.call('PUT', '/api/admin/exchange/hosts', { json: next });
    status.textContent = 'Saved.';
    draw();
  };
  const draw = () => show(list, table('Allowed Exchange servers', ['Host', 'Plain HTTP', 'Private address', ''],
    entries.map((e, i) => [h('code', {}, e.host), e.plainHttp ? 'Yes' : 'No', e.privateAddress ? 'Yes' : 'No',
      confirmButton('Remove', 'Really remove?', (b) => act(b, line, () => save(entries.filter((x, j) => j !== i))))]),
    'No Exchange server is allowed yet.'));
  const button = h('button', { type: 'submit' }, 'Add');
  const form = h('form', { class: 'grid' },
    field('Host name', { name: 'host', required: true, autocomplete: 'off' }, 'e.g. mail.example.com'),
    checkbox('Plain HTTP (no TLS)', { name: 'plainHttp' }),
    checkbox('At a private address', { name: 'privateAddress' }),
    line, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      await save([...entries, {
        host: form.elements.host.value.trim(),
        plainHttp: form.elements.plainHttp.checked,
        privateAddress: form.elements.privateAddress.checked,
      }]);
      form.reset();
    }, form);
  });
  draw();
  show(section, h('h2', {}, 'Allowed Exchange servers'),
    h('p', {}, 'Only these servers are contacted for add-in sign-in and EWS.'), list, status, form);
}

async function identityList(api, section) {
  const line = errorLine();
  const list = h('div');
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show more');
  let rows = [];
  let cursor = null;
  async function load() {
    const page = await api.call('GET', '/api/admin/exchange/identities?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    draw();
  }
  const draw = () => show(list, table('Exchange identity links', ['Mailbox', 'Server', 'User', 'Linked', 'Last used', ''],
    rows.map((r) => [r.mailbox || r.exchangeUserId, r.exchangeServer, h('code', {}, r.userId), when(r.createdAt), when(r.lastUsedAt),
      confirmButton('Unlink', 'Really unlink?', (b) => act(b, line, async () => {
        await api.call('DELETE', '/api/admin/exchange/identities/' + encodeURIComponent(r.id));
        rows = rows.filter((x) => x !== r);
        draw();
      }))]), 'Nobody has linked an Exchange identity yet.'));
  more.addEventListener('click', () => act(more, line, load));
  show(section, h('h2', {}, 'Exchange identity links'),
    h('p', {}, 'Made when someone signs in to the Outlook add-in; unlinking makes them sign in again.'), line, list, more);
  await load();
}
