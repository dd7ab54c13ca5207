// Audit log: newest first, in pages, filtered by action, outcome or text among the loaded pages.
import { h, show, heading, field, errorLine, act, table, when } from '../dom.js';

export async function render(view, params, { api }) {
  const line = errorLine();
  const list = h('div', { id: 'audit-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show older');
  const filters = h('form', { class: 'grid', id: 'audit-filters', role: 'search' },
    field('Action', { name: 'action', tag: 'select', options: [['', 'Any']] }),
    field('Outcome', { name: 'outcome', tag: 'select', options: [['', 'Any']] }),
    field('Text', { name: 'text', type: 'search', autocomplete: 'off' }, 'Matches actor, subject or detail.'));
  show(view, heading('Audit log'), filters, line, list, more);
  let rows = [];
  let cursor = null;
  async function load() {
    const page = await api.call('GET', '/api/admin/audit?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    options(filters.elements.action, rows.map((r) => r.action));
    options(filters.elements.outcome, rows.map((r) => r.outcome));
    draw();
  }
  function draw() {
    const action = filters.elements.action.value;
    const outcome = filters.elements.outcome.value;
    const text = filters.elements.text.value.trim().toLowerCase();
    const shown = rows.filter((r) => (!action || r.action === action) && (!outcome || r.outcome === outcome)
      && (!text || [r.actorUserId, r.subjectId, r.detail].some((v) => v && v.toLowerCase().includes(text))));
    show(list, table('Audit events', ['When', 'Action', 'Outcome', 'Actor', 'Subject', 'Detail'],
      shown.map((r) => [when(r.occurredAt), r.action, r.outcome || '', r.actorUserId || 'server', r.subjectId || '', r.detail || '']),
      'No event matches.'));
  }
  filters.addEventListener('input', draw);
  filters.addEventListener('submit', (e) => e.preventDefault());
  more.addEventListener('click', () => act(more, line, load));
  await load();
}

function options(select, values) {
  const chosen = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  [...new Set(values.filter(Boolean))].sort().forEach((v) => {
    if (!known.has(v)) {
      select.append(h('option', { value: v }, v));
    }
  });
  select.value = chosen;
}
