// Encryption keys: the primary data key, rotation, and the re-encryption job's progress (polled
// from the key status until it is done or failed).
import { h, show, heading, errorLine, act, confirmButton, statusLine } from '../dom.js';

const POLL_MS = 1000;
const STATES = {
  queued: 'Waiting to start',
  running: 'Re-encrypting',
  done: 'Done: every value is under the new key and the old keys are gone',
  failed: 'Failed: the server log says why; rotating again restarts it',
};

export async function render(view, params, { api }) {
  const line = errorLine();
  const facts = h('dl', { class: 'fields', id: 'key-status' });
  const bar = h('progress', { id: 'reencryption-progress', max: '1', value: '0', 'aria-label': 'Re-encryption progress', hidden: true });
  const progress = statusLine();
  progress.id = 'reencryption-state';
  const rotate = confirmButton('Rotate the data key', 'Really rotate now?', (b) => act(b, line, async () => {
    await api.call('POST', '/api/admin/keys/rotate');
    await refresh();
  }), { class: '', id: 'rotate-key' });
  show(view, heading('Encryption keys'),
    h('p', {}, 'Stored mail, tokens and secrets are encrypted with your organisation\'s data key. Rotating makes a new '
      + 'key primary at once; a background job then re-encrypts what is stored, and drops the old keys when done.'),
    facts, h('div', { class: 'actions' }, rotate), line, bar, progress);

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    const status = await api.call('GET', '/api/admin/keys');
    show(facts,
      h('dt', {}, 'Primary key'), h('dd', {}, String(status.primaryKeyId)),
      h('dt', {}, 'Keys kept'), h('dd', {}, String(status.keyCount)));
    const job = status.reencryption;
    if (!job) {
      progress.textContent = 'The key has not been rotated yet.';
      return;
    }
    bar.hidden = false;
    bar.max = job.tableCount || 1;
    bar.value = job.tablesDone;
    progress.dataset.state = job.state;
    progress.textContent = STATES[job.state] + (job.state === 'done' || job.state === 'failed' ? '.' :
      ' (' + job.tablesDone + ' of ' + job.tableCount + ' tables' + (job.failedAttempts ? ', ' + job.failedAttempts + ' failed, retrying' : '') + ').');
    if ((job.state === 'queued' || job.state === 'running') && view.isConnected) {
      timer = setTimeout(() => refresh().catch((e) => {
        line.textContent = e.message;
        line.hidden = false;
      }), POLL_MS);
    }
  }
  await refresh();
}
