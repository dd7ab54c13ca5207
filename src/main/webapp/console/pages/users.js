// Users: list, search (an exact address is looked up on the server, since addresses are stored
// encrypted; other text filters the loaded list), create, change role, disable and enable.
import { h, show, heading, field, errorLine, act, table, statusLine, showError, clearErrors } from '../dom.js';

// Loose on purpose: it only decides between the exact lookup and filtering what is loaded.
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const ROLES = [['USER', 'User'], ['ADMIN', 'Administrator']];

export async function render(view, params, { api, me }) {
  const line = errorLine();
  const status = statusLine();
  const list = h('div', { id: 'user-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show more');
  const filter = field('Search users', { name: 'filter', type: 'search', autocomplete: 'off' },
    'A complete email address finds that user among everyone in your organisation; a name or part of an address only searches the users loaded below.');
  show(view, heading('Users'), createForm(api, status, () => load(true)), h('h2', {}, 'People in your organisation'),
    filter, line, status, list, more);

  let users = [];
  let cursor = null;
  let found = null; // the answer of the exact lookup, or null when the loaded list is searched
  let lookups = 0;
  let timer = null;
  const input = filter.querySelector('input');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (!ADDRESS.test(term)) {
      lookups++;
      found = null;
      draw();
      return;
    }
    // Not act(): it would disable the box the person is typing in.
    timer = setTimeout(() => lookup(term).catch((e) => showError(line, e)), 250);
  });

  async function lookup(term) {
    const mine = ++lookups;
    clearErrors(null, line);
    const page = await api.call('GET', '/api/admin/users?email=' + encodeURIComponent(term));
    if (mine === lookups) {
      // The loaded copy, when there is one, so a change made here shows in the list as well.
      found = page.items.map((f) => Object.assign(users.find((u) => u.id === f.id) || {}, f));
      draw();
    }
  }

  async function load(reset) {
    if (reset) {
      users = [];
      cursor = null;
    }
    const page = await api.call('GET', '/api/admin/users?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    users.push(...page.items);
    cursor = page.next;
    draw();
  }

  function draw() {
    const term = input.value.trim().toLowerCase();
    more.hidden = !cursor || found !== null;
    const shown = found !== null ? found
      : users.filter((u) => !term || u.email.toLowerCase().includes(term) || u.displayName.toLowerCase().includes(term));
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
    }), found !== null ? 'Nobody in your organisation has this address.'
      : term && cursor ? 'Nobody loaded matches; "Show more" loads more, or type a complete address.'
        : term ? 'Nobody matches.' : 'No users.'));
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
