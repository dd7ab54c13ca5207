// Org settings: what the organisation is called in Mailbridge.
import { h, show, heading, field, errorLine, act, statusLine } from '../dom.js';

export async function render(view, params, { api }) {
  const settings = await api.call('GET', '/api/admin/org');
  const line = errorLine();
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { id: 'org-settings', class: 'narrow' },
    field('Organisation name', { name: 'name', value: settings.name, required: true, autocomplete: 'organization' }),
    line, status, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      const saved = await api.call('PATCH', '/api/admin/org', { json: { name: form.elements.name.value } });
      form.elements.name.value = saved.name;
      status.textContent = 'Saved.';
    }, form);
  });
  show(view, heading('Organisation'), form);
}
