// Audit log: newest first, in pages. Action, outcome and period are filtered by the server over the
// whole trail; the text box only searches the events loaded here, because the detail is encrypted.
import { h, show, heading, field, errorLine, act, table, when } from '../dom.js';

const SERVER_FILTERS = ['action', 'outcome', 'from', 'to'];

export async function render(view, params, { api }) {
  const line = errorLine();
  const list = h('div', { id: 'audit-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show older');
  const filters = h('form', { class: 'grid', id: 'audit-filters', role: 'search' },
    field('Action', { name: 'action', tag: 'select', options: [['', 'Any']] }),
    field('Outcome', { name: 'outcome', tag: 'select', options: [['', 'Any']] }),
    field('From', { name: 'from', type: 'datetime-local' }, 'Your local time, inclusive.'),
    field('To', { name: 'to', type: 'datetime-local' }, 'Your local time, exclusive.'),
    field('Text in loaded events', { name: 'text', type: 'search', autocomplete: 'off' },
      'Matches actor, subject or detail among the events shown below only; "Show older" loads more.'));
  show(view, heading('Audit log'), filters, line, list, more);
  let rows = [];
  let cursor = null;
  let generation = 0;

  function query() {
    const parts = ['limit=100'];
    for (const name of SERVER_FILTERS) {
      let value = filters.elements[name].value;
      if (value && (name === 'from' || name === 'to')) {
        value = new Date(value).toISOString();
      }
      if (value) {
        parts.push(name + '=' + encodeURIComponent(value));
      }
    }
    if (cursor) {
      parts.push('cursor=' + encodeURIComponent(cursor));
    }
    return parts.join('&');
  }

  async function load() {
    const mine = generation;
    const page = await api.call('GET', '/api/admin/audit?' + query());
    if (mine !== generation) {
      return; // the filters changed while this page was on its way
    }
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    draw();
  }

  async function reload() {
    generation++;
    rows = [];
    cursor = null;
    more.hidden = true;
    show(list);
    await load();
  }

  function draw() {
    const text = filters.elements.text.value.trim().toLowerCase();
    const shown = rows.filter((r) => !text
      || [r.actorUserId, r.subjectId, r.detail].some((v) => v && v.toLowerCase().includes(text)));
    show(list, table('Audit events', ['When', 'Action', 'Outcome', 'Actor', 'Subject', 'Detail'],
      shown.map((r) => [when(r.occurredAt), r.action, r.outcome || '', r.actorUserId || 'server', r.subjectId || '', r.detail || '']),
      text && cursor ? 'No loaded event matches; "Show older" loads more.' : 'No event matches.'));
  }

  filters.addEventListener('input', (event) => {
    if (event.target.name === 'text') {
      draw();
    }
  });
  filters.addEventListener('change', (event) => {
    if (SERVER_FILTERS.includes(event.target.name)) {
      act(more, line, reload, filters);
    }
  });
  filters.addEventListener('submit', (e) => e.preventDefault());
  more.addEventListener('click', () => act(more, line, load, filters));
  const choices = await api.call('GET', '/api/admin/audit/actions');
  options(filters.elements.action, choices.actions);
  options(filters.elements.outcome, choices.outcomes);
  await load();
}

function options(select, values) {
  values.forEach((v) => select.append(h('option', { value: v }, v)));
}
