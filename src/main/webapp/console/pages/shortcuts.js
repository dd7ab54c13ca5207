// Text shortcuts: my own and the organisation's (admins write those), with a preview that fills
// the merge fields from a record id, as the task pane will.
import { h, show, heading, field, errorLine, act, table, when, confirmButton, statusLine } from '../dom.js';

export async function render(view, params, { api, isAdmin }) {
  const line = errorLine();
  const status = statusLine();
  const list = h('div', { id: 'shortcut-list' });
  let items = [];
  let editing = null;

  const button = h('button', { type: 'submit' }, 'Add');
  const cancel = h('button', { type: 'button', class: 'quiet', hidden: true }, 'Cancel');
  const scopes = isAdmin() ? field('Who can use it', { name: 'scope', tag: 'select', value: 'USER',
    options: [['USER', 'Only me'], ['ORG', 'Everyone in the organisation']] }) : null;
  const form = h('form', { id: 'shortcut-form', class: 'narrow' },
    field('Name', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' }),
    field('Text', { name: 'text', tag: 'textarea', required: true, rows: 6 },
      'Merge fields: {{contact.firstName|there}}, {{contact.lastName}}, {{account.name}}, '
      + '{{opportunity.name}}, {{me.displayName}}, … The text after | is used when the record has no value.'),
    scopes, line, status, h('div', { class: 'actions' }, button, cancel));

  const preview = h('pre', { class: 'preview', id: 'shortcut-preview' });
  const previewLine = errorLine();

  const reset = () => {
    editing = null;
    form.reset();
    button.textContent = 'Add';
    cancel.hidden = true;
    if (scopes) {
      scopes.hidden = false;
    }
  };
  cancel.addEventListener('click', reset);

  async function load() {
    items = (await api.call('GET', '/api/shortcuts')).items;
    draw();
  }

  const canWrite = (s) => s.scope === 'USER' || isAdmin();

  const draw = () => show(list, table('Shortcuts', ['Name', 'For', 'Text', 'Changed', ''],
    items.map((s) => [s.name, s.scope === 'ORG' ? 'Everyone' : 'Me',
      h('span', { class: 'muted' }, s.text.length > 80 ? s.text.slice(0, 80) + '…' : s.text),
      when(s.updatedAt),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'quiet', dataset: { preview: s.id }, onclick: () => tryIt(s) }, 'Preview'),
        canWrite(s) ? h('button', { type: 'button', class: 'quiet', dataset: { edit: s.id }, onclick: () => edit(s) }, 'Edit') : null,
        canWrite(s) ? confirmButton('Delete', 'Really delete?', (b) => act(b, line, async () => {
          await api.call('DELETE', '/api/shortcuts/' + encodeURIComponent(s.id));
          status.textContent = 'Deleted.';
          await load();
        })) : null)]),
    'No shortcuts yet.'));

  function edit(s) {
    editing = s;
    form.elements.name.value = s.name;
    form.elements.text.value = s.text;
    button.textContent = 'Save';
    cancel.hidden = false;
    if (scopes) {
      scopes.hidden = true; // the scope stays what it was
    }
    form.elements.name.focus();
  }

  const recordButton = h('button', { type: 'submit' }, 'Fill in');
  const previewForm = h('form', { id: 'shortcut-try', class: 'narrow', hidden: true },
    field('Record id (leave empty for the defaults)', { name: 'recordId', autocomplete: 'off' }),
    previewLine, h('div', { class: 'actions' }, recordButton), preview);
  let previewing = null;
  function tryIt(s) {
    previewing = s;
    previewForm.hidden = false;
    show(preview, '');
    previewForm.elements.recordId.focus();
  }
  previewForm.addEventListener('submit', (event) => {
    event.preventDefault();
    act(recordButton, previewLine, async () => {
      const recordId = previewForm.elements.recordId.value.trim();
      const out = await api.call('POST', '/api/shortcuts/' + encodeURIComponent(previewing.id) + '/render',
        { json: recordId ? { recordId } : {} });
      show(preview, out.text); // text node: a record's markup stays text
    }, previewForm);
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      const body = { name: form.elements.name.value, text: form.elements.text.value };
      if (editing) {
        await api.call('PUT', '/api/shortcuts/' + encodeURIComponent(editing.id), { json: body });
        status.textContent = 'Saved.';
      } else {
        if (scopes) {
          body.scope = form.elements.scope.value;
        }
        await api.call('POST', '/api/shortcuts', { json: body });
        status.textContent = 'Added.';
      }
      reset();
      await load();
    }, form);
  });

  show(view, heading('Text shortcuts'),
    h('section', { class: 'panel' }, h('h2', {}, 'Shortcuts'), list),
    h('section', { class: 'panel' }, h('h2', {}, 'Add or change'), form),
    h('section', { class: 'panel' }, h('h2', {}, 'Preview'), previewForm));
  await load();
}
