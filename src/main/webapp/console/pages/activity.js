// My activity: what I logged, newest first; each opens the timeline of a record it is on.
import { h, show, heading, table, when } from '../dom.js';

const TYPES = { EMAIL: 'Email', EVENT: 'Meeting', TASK: 'Task' };

export async function render(view, params, { api }) {
  const list = h('div', { id: 'activity-list' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show older');
  show(view, heading('My activity'), h('p', {}, 'The emails and meetings you logged, newest first.'), list, more);
  const rows = [];
  let cursor = null;
  async function load() {
    const page = await api.call('GET', '/api/activities?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    rows.push(...page.items);
    cursor = page.next;
    more.hidden = !cursor;
    show(list, table('Logged activities', ['When', 'What', 'Subject', 'On'], rows.map((a) => [
      when(a.occurredAt),
      TYPES[a.type] || a.type,
      h('span', { class: 'subject' }, a.subject || '(no subject)'),
      h('span', {}, a.links.map((l) => h('a', { href: '#/records/' + l.type + '/' + encodeURIComponent(l.id), class: 'chip' }, singular(l.type)))),
    ]), 'You have not logged anything yet.'));
  }
  more.addEventListener('click', load);
  await load();
}

export function singular(type) {
  return { accounts: 'Account', contacts: 'Contact', leads: 'Lead', opportunities: 'Opportunity', cases: 'Case' }[type] || type;
}
