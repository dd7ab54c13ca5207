// Productivity settings: open and click tracking for the organisation, and its own mail domains
// (whose recipients are never tracked).
import { h, show, heading, field, checkbox, errorLine, act, statusLine } from '../dom.js';

export async function render(view, params, { api }) {
  const settings = await api.call('GET', '/api/admin/productivity/settings');
  const line = errorLine();
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { id: 'productivity-settings', class: 'narrow' },
    checkbox('Open and click tracking', { name: 'trackingEnabled', checked: settings.trackingEnabled }),
    field('Internal domains', { name: 'internalDomains', tag: 'textarea', rows: 3,
      value: settings.internalDomains.join('\n') },
      'One per line. Emails to these domains (and their sub-domains) or to any user of the organisation are never tracked.'),
    line, status, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      const saved = await api.call('PUT', '/api/admin/productivity/settings', { json: {
        trackingEnabled: form.elements.trackingEnabled.checked,
        internalDomains: form.elements.internalDomains.value.split(/[\s,]+/).filter((d) => d),
      } });
      form.elements.trackingEnabled.checked = saved.trackingEnabled;
      form.elements.internalDomains.value = saved.internalDomains.join('\n');
      status.textContent = 'Saved.';
    }, form);
  });
  show(view, heading('Productivity'), form,
    h('p', { class: 'hint' }, 'Fetches by mail providers\' image proxies and security scanners are shown apart from reads; see the README.'));
}
