// Provider apps: the org's app at Google and at Microsoft (secrets write-only), and the
// Microsoft 365 tenant admin consent with the tenants that consented.
import { h, show, heading, field, checkbox, errorLine, act, table, when, statusLine } from '../dom.js';

export async function render(view, params, { api }) {
  const google = h('section', { id: 'provider-google', class: 'panel' });
  const microsoft = h('section', { id: 'provider-microsoft', class: 'panel' });
  const tenants = h('section', { id: 'tenants', class: 'panel' });
  show(view, heading('Provider apps'),
    h('p', {}, 'The apps your organisation registered at Google and Microsoft, through which people connect their mailboxes.'),
    google, microsoft, tenants);
  await Promise.all([
    app(api, google, 'google', 'Google Workspace', 'allowedDomains', 'Allowed domains'),
    app(api, microsoft, 'microsoft', 'Microsoft 365', 'allowedTenants', 'Allowed tenant ids'),
    consent(api, tenants),
  ]);
}

async function app(api, section, provider, title, allowedField, allowedLabel) {
  const settings = await api.call('GET', '/api/admin/providers/' + provider);
  const line = errorLine();
  const status = statusLine(settings.configured ? '' : 'Not set up yet.');
  const button = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { class: 'grid', dataset: { provider } },
    field('Client id', { name: 'clientId', value: settings.clientId || '', required: true, autocomplete: 'off' }),
    field('Client secret', {
      name: 'clientSecret', type: 'password', autocomplete: 'new-password',
      placeholder: settings.clientSecretSet ? 'stored (leave empty to keep it)' : '',
    }, settings.clientSecretSet ? 'A secret is stored. It is never shown; type a new one to replace it.' : 'Never shown again once saved.'),
    field(allowedLabel, { name: allowedField, tag: 'textarea', rows: '2', value: (settings.allowed || []).join('\n') },
      'One per line; empty allows any.'),
    checkbox('Block new connections', { name: 'connectionsBlocked', checked: settings.connectionsBlocked }),
    line, status, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      const body = {
        clientId: form.elements.clientId.value.trim(),
        [allowedField]: form.elements[allowedField].value.split(/[\s,]+/).filter(Boolean),
        connectionsBlocked: form.elements.connectionsBlocked.checked,
      };
      if (form.elements.clientSecret.value) {
        body.clientSecret = form.elements.clientSecret.value;
      }
      const saved = await api.call('PUT', '/api/admin/providers/' + provider, { json: body });
      form.elements.clientSecret.value = '';
      form.elements.clientSecret.placeholder = saved.clientSecretSet ? 'stored (leave empty to keep it)' : '';
      status.textContent = 'Saved.';
    }, form);
  });
  show(section, h('h2', {}, title), form,
    h('dl', { class: 'fields compact' },
      h('dt', {}, 'Redirect URI'), h('dd', {}, h('code', {}, settings.redirectUri || '')),
      h('dt', {}, 'Scopes'), h('dd', {}, (settings.scopes || []).join(' ')),
      settings.certificateThumbprint ? [h('dt', {}, 'Certificate'), h('dd', {}, settings.certificateThumbprint)] : null));
}

async function consent(api, section) {
  const line = errorLine();
  const button = h('button', { type: 'button', id: 'tenant-consent' }, 'Consent for a Microsoft 365 tenant');
  button.addEventListener('click', () => act(button, line, async () => {
    const started = await api.call('GET', '/api/admin/microsoft/consent');
    location.assign(started.authorizationUrl);
  }));
  const consented = await api.call('GET', '/api/admin/microsoft/tenants');
  show(section, h('h2', {}, 'Microsoft 365 tenants'),
    h('p', {}, 'A Global Administrator of the tenant agrees once for everyone; you are sent to Microsoft and back here.'),
    h('div', { class: 'actions' }, button), line,
    h('div', { id: 'tenant-list' }, table('Consented tenants', ['Tenant', 'Consented by', 'When'],
      consented.map((t) => [h('code', {}, t.tenantId), t.consentedBy || '', when(t.consentedAt)]), 'No tenant has consented yet.')));
}
