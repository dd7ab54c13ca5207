// One record: its fields and its timeline. A mail's HTML was made inert when it was stored
// (OWASP sanitizer); it is still shown only inside a sandboxed frame without scripts or origin.
import { h, show, heading, errorLine, act, when } from '../dom.js';
import { recordName, TYPES } from './records.js';

const LABELS = {
  name: 'Name', firstName: 'First name', lastName: 'Last name', emails: 'Emails', domains: 'Domains',
  phone: 'Phone', title: 'Title', company: 'Company', stage: 'Stage', amount: 'Amount',
  closeDate: 'Close date', subject: 'Subject', status: 'Status', accountId: 'Account', contactId: 'Contact',
};
const KINDS = { EMAIL: 'Email', EVENT: 'Meeting', TASK: 'Task' };

export async function render(view, { type, id }, { api }) {
  const record = await api.call('GET', '/api/records/' + encodeURIComponent(type) + '/' + encodeURIComponent(id));
  const typeLabel = (TYPES.find(([p]) => p === type) || [type, type])[1];
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const line = errorLine();
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Show older');
  show(view,
    h('p', { class: 'crumbs' }, h('a', { href: '#/records/' + type }, typeLabel)),
    heading(recordName(record)),
    fields(record),
    h('h2', {}, 'Timeline'),
    line,
    timeline,
    more);
  let cursor = null;
  async function load() {
    const page = await api.call('GET', '/api/records/' + encodeURIComponent(type) + '/' + encodeURIComponent(id)
      + '/timeline?limit=25' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    page.items.forEach((a) => timeline.append(entry(api, a)));
    cursor = page.next;
    more.hidden = !cursor;
    if (!timeline.children.length) {
      show(timeline, h('li', { class: 'empty' }, 'Nothing logged on this record yet.'));
    }
  }
  more.addEventListener('click', () => act(more, line, load));
  await load();
}

function fields(record) {
  const rows = Object.entries(record)
    .filter(([k, v]) => k !== 'id' && v !== null && v !== '' && (Array.isArray(v) ? v.length > 0 : typeof v !== 'object'))
    .map(([k, v]) => [h('dt', {}, LABELS[k] || k), h('dd', {}, Array.isArray(v) ? v.join(', ') : String(v))]);
  return h('dl', { class: 'fields', id: 'record-fields' }, rows);
}

function person(p) {
  if (!p) {
    return '';
  }
  return p.name ? p.name + ' <' + p.email + '>' : p.email;
}

function entry(api, a) {
  const body = h('div', { class: 'entry-body', hidden: true });
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', dataset: { activity: a.id } },
    a.subject || '(no subject)');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') === 'true';
    toggle.setAttribute('aria-expanded', String(!open));
    body.hidden = open;
    if (!open && !body.childElementCount) {
      show(body, details(api, a));
    }
  });
  return h('li', { class: 'entry entry-' + a.type.toLowerCase() },
    h('div', { class: 'entry-head' },
      h('span', { class: 'kind' }, KINDS[a.type] || a.type),
      when(a.occurredAt),
      toggle),
    body);
}

function details(api, a) {
  const line = errorLine();
  const parts = [];
  if (a.type === 'EMAIL') {
    parts.push(h('dl', { class: 'fields compact' },
      h('dt', {}, 'From'), h('dd', {}, person(a.from)),
      h('dt', {}, 'To'), h('dd', {}, (a.to || []).map(person).join(', ')),
      (a.cc || []).length ? [h('dt', {}, 'Cc'), h('dd', {}, a.cc.map(person).join(', '))] : null));
    if (a.bodyHtml) {
      // No allow-scripts, no allow-same-origin: even markup the sanitizer let through can neither run
      // nor reach the console; the frame's document also inherits the console's CSP.
      parts.push(h('iframe', {
        class: 'mail', sandbox: '', title: 'Email: ' + (a.subject || 'no subject'), referrerpolicy: 'no-referrer',
        srcdoc: '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + a.bodyHtml + '</body></html>',
      }));
    } else if (a.bodyText) {
      parts.push(h('pre', { class: 'mail-text' }, a.bodyText));
    }
  } else if (a.type === 'EVENT') {
    parts.push(h('dl', { class: 'fields compact' },
      h('dt', {}, 'Starts'), h('dd', {}, when(a.start)),
      a.end ? [h('dt', {}, 'Ends'), h('dd', {}, when(a.end))] : null,
      a.location ? [h('dt', {}, 'Where'), h('dd', {}, a.location)] : null,
      h('dt', {}, 'Organizer'), h('dd', {}, person(a.organizer)),
      h('dt', {}, 'Attendees'), h('dd', {}, (a.attendees || []).map(person).join(', '))));
  } else if (a.description || a.notes) {
    parts.push(h('p', {}, a.description || a.notes));
  }
  if ((a.attachments || []).length) {
    parts.push(h('h3', {}, 'Attachments'), h('ul', { class: 'attachments' }, a.attachments.map((f) => {
      const button = h('button', { type: 'button', class: 'link', dataset: { attachment: f.name } },
        f.name + ' (' + size(f.size) + ')');
      button.addEventListener('click', () => act(button, line, () =>
        api.download('/api/activities/' + encodeURIComponent(a.id) + '/attachments/' + f.n, f.name)));
      return h('li', {}, button);
    })));
  }
  parts.push(line);
  return parts;
}

function size(bytes) {
  if (bytes < 1024) {
    return bytes + ' B';
  }
  return bytes < 1048576 ? Math.round(bytes / 1024) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB';
}
