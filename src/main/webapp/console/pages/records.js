// Records: the five kinds, a search, a page of results, and the CSV import with its progress.
import { h, show, heading, field, errorLine, act, table, statusLine } from '../dom.js';

export const TYPES = [
  ['accounts', 'Accounts'],
  ['contacts', 'Contacts'],
  ['leads', 'Leads'],
  ['opportunities', 'Opportunities'],
  ['cases', 'Cases'],
];

/** What a record is called: name, first and last name, or subject. */
export function recordName(record) {
  const person = [record.firstName, record.lastName].filter(Boolean).join(' ');
  return record.name || person || record.subject || record.id;
}

const COLUMNS = {
  accounts: [['Domains', (r) => (r.domains || []).join(', ')]],
  contacts: [['Emails', (r) => (r.emails || []).join(', ')], ['Title', (r) => r.title || '']],
  leads: [['Emails', (r) => (r.emails || []).join(', ')], ['Company', (r) => r.company || '']],
  opportunities: [['Stage', (r) => r.stage || ''], ['Close date', (r) => r.closeDate || '']],
  cases: [['Status', (r) => r.status || '']],
};

export async function render(view, params, { api, go }) {
  const type = params.type || 'contacts';
  if (!COLUMNS[type]) {
    go('records/contacts');
    return;
  }
  const line = errorLine();
  const results = h('div', { id: 'record-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show more');
  const search = h('form', { role: 'search', class: 'inline', id: 'record-search' },
    field('Search ' + type, { name: 'q', type: 'search', autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Search'));
  show(view,
    heading('Records'),
    h('nav', { class: 'tabs', 'aria-label': 'Record types' }, TYPES.map(([path, label]) =>
      h('a', { href: '#/records/' + path, 'aria-current': path === type ? 'page' : null }, label))),
    search,
    line,
    results,
    more,
    importForm(api, type));

  let rows = [];
  let cursor = null;
  let query = '';
  async function load(reset) {
    if (reset) {
      rows = [];
      cursor = null;
    }
    const page = await api.call('GET', '/api/records/' + type + '?limit=50'
      + (query ? '&q=' + encodeURIComponent(query) : '')
      + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    const extra = COLUMNS[type];
    show(results, table(type, ['Name', ...extra.map((c) => c[0])], rows.map((r) => [
      h('a', { href: '#/records/' + type + '/' + encodeURIComponent(r.id), dataset: { recordId: r.id } }, recordName(r)),
      ...extra.map((c) => c[1](r)),
    ]), query ? 'Nothing matches "' + query + '".' : 'No ' + type + ' yet.'));
  }
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    query = search.elements.q.value.trim();
    act(search.querySelector('button'), line, () => load(true), search);
  });
  more.addEventListener('click', () => act(more, line, () => load(false)));
  await load(true);
}

function importForm(api, type) {
  const line = errorLine();
  const status = statusLine();
  const bar = h('progress', { max: '100', value: '0', hidden: true, 'aria-label': 'Import progress' });
  const button = h('button', { type: 'submit' }, 'Import');
  const form = h('form', { id: 'import-form' },
    field('CSV file', { name: 'file', type: 'file', accept: '.csv,text/csv', required: true },
      'A header row naming the fields, then one row per record. At most 64 MiB.'),
    field('Idempotency key (optional)', { name: 'key', autocomplete: 'off' },
      'The same key again never stores a row twice: use it when you post a file again.'),
    line, bar, status, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) {
      line.textContent = 'Choose a CSV file first.';
      line.hidden = false;
      return;
    }
    const key = form.elements.key.value.trim();
    bar.hidden = false;
    bar.value = 0;
    status.textContent = 'Sending ' + file.name + '…';
    act(button, line, async () => {
      // The import runs while the file arrives; what we can measure is the upload.
      const report = await api.upload('POST', '/api/records/' + type + '/import', file, 'text/csv',
        key ? { 'Idempotency-Key': key } : {}, (sent, total) => {
          bar.value = total ? Math.round((sent / total) * 100) : 0;
          status.textContent = sent < total ? 'Sent ' + bar.value + ' %' : 'Stored the rows, waiting for the report…';
        });
      bar.value = 100;
      status.textContent = 'Created ' + report.created + ', updated ' + report.updated + ', unchanged '
        + report.unchanged + ', skipped ' + report.skipped + (report.complete ? '.' : '. Stopped: ' + report.stopped);
      const skipped = report.rows.filter((r) => r.outcome === 'skipped').slice(0, 20);
      if (skipped.length) {
        status.append(h('ul', {}, skipped.map((r) => h('li', {}, r.reason))));
      }
    }, form).finally(() => {
      if (line.hidden === false) {
        bar.hidden = true;
        status.textContent = '';
      }
    });
  });
  return h('details', { class: 'panel', id: 'import-panel' }, h('summary', {}, 'Import ' + type + ' from CSV'), form);
}
