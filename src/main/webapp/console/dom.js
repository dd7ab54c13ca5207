// Building the page from data: every text goes in as text (never as HTML), so a record name or a
// mail subject that looks like markup stays text. This module is the only one that makes elements.

/**
 * An element: `h('button', {type: 'button', class: 'quiet', onclick: fn}, 'Save')`. Keys starting
 * with "on" add listeners, `class` and `for` map to their properties, `dataset` sets data-*, any
 * other key is an attribute (false/null leave it out); children are nodes or strings.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  Object.entries(props || {}).forEach(([key, value]) => {
    if (value === null || value === undefined || value === false) {
      return;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'srcdoc') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  });
  append(el, children);
  return el;
}

function append(el, children) {
  children.flat(Infinity).forEach((child) => {
    if (child === null || child === undefined || child === false) {
      return;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  });
}

/** Replaces what `el` shows. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;

/** A labelled input: `field('Email', {name: 'email', type: 'email', required: true})`. */
export function field(label, props, hint) {
  const id = props.id || 'f' + ++ids;
  const input = props.tag === 'select'
    ? h('select', Object.assign({}, props, { tag: null, options: null, id }),
        props.options.map(([value, text]) => h('option', { value, selected: value === props.value }, text)))
    : props.tag === 'textarea'
      ? h('textarea', Object.assign({}, props, { tag: null, id }))
      : h('input', Object.assign({ type: 'text' }, props, { id }));
  const hintId = hint ? id + '-hint' : null;
  if (hintId) {
    input.setAttribute('aria-describedby', hintId);
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'error', role: 'alert', hidden: true, dataset: { errorFor: props.name || id } }));
}

/** A checkbox with its label after it. */
export function checkbox(label, props) {
  const id = props.id || 'f' + ++ids;
  return h('div', { class: 'field check' },
    h('input', Object.assign({ type: 'checkbox' }, props, { id })),
    h('label', { for: id }, label),
    h('p', { class: 'error', role: 'alert', hidden: true, dataset: { errorFor: props.name || id } }));
}

/** The place for a sentence about what went wrong, next to what caused it. */
export function errorLine() {
  return h('p', { class: 'error', role: 'alert', hidden: true });
}

/**
 * Shows an API error in words: next to the form field it names when there is one, else in
 * `line`. Clears earlier messages of the form.
 */
export function showError(line, error, form) {
  clearErrors(form, line);
  const message = error && error.message ? error.message : String(error);
  const at = form && error && error.field
    ? form.querySelector('[data-error-for="' + CSS.escape(error.field) + '"]')
    : null;
  const target = at || line;
  target.textContent = message;
  target.hidden = false;
  if (at) {
    const input = form.querySelector('[name="' + CSS.escape(error.field) + '"]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

export function clearErrors(form, line) {
  if (line) {
    line.hidden = true;
    line.textContent = '';
  }
  if (form) {
    form.querySelectorAll('.error').forEach((e) => {
      e.hidden = true;
      e.textContent = '';
    });
    form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  }
}

/**
 * Runs `work` for a button, disabled while it runs, the error shown in `line` (or next to the
 * field of `form` it names).
 */
export async function act(button, line, work, form) {
  clearErrors(form, line);
  button.disabled = true;
  try {
    return await work();
  } catch (e) {
    showError(line, e, form);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/** A short status line that screen readers announce. */
export function statusLine(text) {
  return h('p', { class: 'status', role: 'status' }, text || '');
}

/** A date and time in the reader's locale; the exact instant on hover. */
export function when(iso) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString());
}

/** A table: `table(['Name', 'Role'], rows.map(r => [r.name, r.role]))`. */
export function table(caption, headings, rows, empty) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, empty || 'Nothing here yet.');
  }
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/** A button that asks once more before it acts: first press arms it, the second acts. */
export function confirmButton(label, confirmLabel, onConfirm, props) {
  const button = h('button', Object.assign({ type: 'button', class: 'danger' }, props || {}), label);
  let armed = false;
  let timer = null;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = confirmLabel;
      timer = setTimeout(() => {
        armed = false;
        button.textContent = label;
      }, 5000);
      return;
    }
    clearTimeout(timer);
    armed = false;
    button.textContent = label;
    await onConfirm(button);
  });
  return button;
}

/** The page heading, focused so keyboard and screen-reader users land on the new page. */
export function heading(text) {
  return h('h1', { tabindex: '-1', id: 'page-title' }, text);
}
