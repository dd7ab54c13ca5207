// Users: list (with a search over the loaded list), create, change role, disable and enable.
import { h, show, heading, field, errorLine, act, table, statusLine } from '../dom.js';

const ROLES = [['USER', 'User'], ['ADMIN', 'Administrator']];

export async function render(view, params, { api, me }) {
  const line = errorLine();
  const status = statusLine();
  const list = h('div', { id: 'user-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show more');
  const filter = field('Search users', { name: 'filter', type: 'search', autocomplete: 'off' });
  show(view, heading('Users'), createForm(api, status, () => load(true)), h('h2', {}, 'People in your organisation'),
    filter, line, status, list, more);

  let users = [];
  let cursor = null;
  const input = filter.querySelector('input');
  input.addEventListener('input', draw);

  async function load(reset) {
    if (reset) {
      users = [];
      cursor = null;
    }
    const page = await api.call('GET', '/api/admin/users?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    users.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    draw();
  }

  function draw() {
    const term = input.value.trim().toLowerCase();
    const shown = users.filter((u) => !term || u.email.toLowerCase().includes(term) || u.displayName.toLowerCase().includes(term));
    show(list, table('Users', ['Name', 'Email', 'Role', 'State', ''], shown.map((u) => {
      const role = h('select', { 'aria-label': 'Role of ' + u.displayName, disabled: u.id === me.id, dataset: { userRole: u.email } },
        ROLES.map(([value, text]) => h('option', { value, selected: value === u.role }, text)));
      role.addEventListener('change', () => act(role, line, async () => {
        Object.assign(u, await api.call('PATCH', '/api/admin/users/' + encodeURIComponent(u.id), { json: { role: role.value } }));
        status.textContent = u.displayName + ' is now ' + (u.role === 'ADMIN' ? 'an administrator.' : 'a user.');
      }).then(draw));
      const toggle = h('button', { type: 'button', class: u.disabled ? '' : 'danger', disabled: u.id === me.id, dataset: { userToggle: u.email } },
        u.disabled ? 'Enable' : 'Disable');
      toggle.addEventListener('click', () => act(toggle, line, async () => {
        Object.assign(u, await api.call('PATCH', '/api/admin/users/' + encodeURIComponent(u.id), { json: { disabled: !u.disabled } }));
        status.textContent = u.displayName + (u.disabled ? ' can no longer sign in.' : ' can sign in again.');
      }).then(draw));
      return [u.displayName, u.email, role, u.disabled ? 'Disabled' : 'Active', toggle];
    }), term ? 'Nobody matches.' : 'No users.'));
  }

  more.addEventListener('click', () => act(more, line, () => load(false)));
  await load(true);
}

function createForm(api, status, reload) {
  const line = errorLine();
  const button = h('button', { type: 'submit', id: 'create-user' }, 'Create user');
  const form = h('form', { id: 'new-user', class: 'grid' },
    field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'off' }),
    field('Name', { name: 'displayName', required: true, autocomplete: 'off' }),
    field('Role', { name: 'role', tag: 'select', options: ROLES, value: 'USER' }),
    field('First password', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' },
      'At least 12 characters. Tell it to the person in a safe way.'),
    line,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      const created = await api.call('POST', '/api/admin/users', { json: {
        email: form.elements.email.value.trim(),
        displayName: form.elements.displayName.value.trim(),
        role: form.elements.role.value,
        password: form.elements.password.value,
      } });
      form.reset();
      status.textContent = created.displayName + ' (' + created.email + ') can sign in now.';
      await reload();
    }, form);
  });
  return h('details', { class: 'panel', open: true }, h('summary', {}, 'New user'), form);
}
