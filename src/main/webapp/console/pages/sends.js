// Scheduled sends: my messages waiting to go out, and the ones that could not. A failed send says
// why and can be scheduled again or cancelled; a waiting one can be moved or cancelled.
import { h, show, heading, errorLine, act, table, when, confirmButton, statusLine } from '../dom.js';

const STATES = {
  SCHEDULED: 'Waiting',
  SENDING: 'Sending now',
  SENT: 'Sent',
  FAILED: 'Not sent',
  CANCELLED: 'Cancelled',
};

// The value a datetime-local input shows for an instant, in the reader's own time zone.
function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate())
    + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

export async function render(view, params, { api }) {
  const line = errorLine();
  const status = statusLine();
  const failures = h('div', { id: 'send-failures' });
  const list = h('div', { id: 'send-list' });
  show(view, heading('Scheduled sends'),
    h('p', {}, 'Messages you scheduled from Outlook or Gmail. They go out from your own mailbox at'
      + ' the time you chose and appear in its Sent Items.'),
    failures, line, status, list);

  async function load() {
    const items = (await api.call('GET', '/api/scheduled-sends')).items;
    const failed = items.filter((s) => s.state === 'FAILED');
    show(failures, failed.length
      ? h('div', { class: 'notice', role: 'alert' },
        h('p', {}, failed.length === 1
          ? 'One message could not be sent. Schedule it again or cancel it.'
          : failed.length + ' messages could not be sent. Schedule them again or cancel them.'))
      : null);
    show(list, table('Scheduled sends', ['Send at', 'Subject', 'State', 'Attempts', ''],
      items.map((s) => [
        when(s.sendAt),
        h('span', { class: 'subject' }, s.subject || '(no subject)'),
        h('div', { dataset: { state: s.id } },
          STATES[s.state] || s.state,
          s.state === 'SENT' && s.sentAt ? h('span', { class: 'muted' }, ' ', when(s.sentAt)) : null,
          s.problem && (s.state === 'FAILED' || s.state === 'SCHEDULED')
            ? h('p', { class: s.state === 'FAILED' ? 'error' : 'hint', dataset: { problem: s.id } }, s.problem)
            : null),
        String(s.attempts),
        actions(s),
      ]),
      'Nothing scheduled. In Outlook or Gmail, choose "Send later" while you write a message.'));
  }

  function actions(s) {
    if (s.state !== 'SCHEDULED' && s.state !== 'FAILED') {
      return null;
    }
    const at = h('input', {
      type: 'datetime-local',
      value: localInput(s.state === 'FAILED' || new Date(s.sendAt) < new Date() ? new Date().toISOString() : s.sendAt),
      'aria-label': 'New time for "' + (s.subject || 'the message') + '"',
      dataset: { at: s.id },
    });
    const move = h('button', { type: 'button', class: 'quiet', dataset: { reschedule: s.id } },
      s.state === 'FAILED' ? 'Send again at this time' : 'Move');
    move.addEventListener('click', () => act(move, line, async () => {
      if (!at.value) {
        throw new Error('Choose the new time first.');
      }
      await api.call('PATCH', '/api/scheduled-sends/' + encodeURIComponent(s.id),
        { json: { sendAt: new Date(at.value).toISOString() } });
      status.textContent = 'Scheduled for ' + new Date(at.value).toLocaleString() + '.';
      await load();
    }));
    const cancel = confirmButton('Cancel', 'Really cancel?', (b) => act(b, line, async () => {
      await api.call('DELETE', '/api/scheduled-sends/' + encodeURIComponent(s.id));
      status.textContent = 'Cancelled: it will not be sent.';
      await load();
    }), { dataset: { cancel: s.id } });
    return h('div', { class: 'actions' }, at, move, cancel);
  }

  await load();
}
