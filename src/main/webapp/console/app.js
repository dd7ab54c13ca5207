// The console's frame: sign-in, the menu built from the route table, and the hash router that
// loads a page's module when it is first opened.
import * as api from './api.js';
import { h, show, field, errorLine, act, heading } from './dom.js';
import { routes, home } from './routes.js';

const main = document.getElementById('main');
const menu = document.getElementById('menu');
const who = document.getElementById('who');
const signoutButton = document.getElementById('signout');

let me = null;
let rendering = 0;

/** What every page gets besides its view and route parameters. */
const ctx = {
  api,
  get me() {
    return me;
  },
  isAdmin: () => me && me.role === 'ADMIN',
  go: (path) => {
    location.hash = '#/' + path;
  },
};

api.whenSessionEnds((sentence) => signInPage(sentence));

signoutButton.addEventListener('click', async () => {
  await api.signOut();
  me = null;
  signInPage('You are signed out.');
});

window.addEventListener('hashchange', () => {
  if (me) {
    route();
  }
});

start();

async function start() {
  if (await api.resume()) {
    await enter();
  } else {
    signInPage();
  }
}

async function enter() {
  try {
    me = await api.call('GET', '/api/auth/me');
  } catch (e) {
    signInPage(e.message);
    return;
  }
  who.textContent = me.displayName + ' (' + me.email + ')';
  who.hidden = false;
  signoutButton.hidden = false;
  buildMenu();
  route();
}

function signInPage(sentence) {
  me = null;
  rendering++;
  who.hidden = true;
  signoutButton.hidden = true;
  menu.hidden = true;
  menu.replaceChildren();
  const line = errorLine();
  const button = h('button', { type: 'submit', id: 'signin-button' }, 'Sign in');
  const form = h('form', { id: 'signin', class: 'narrow', novalidate: true },
    field('Email', { name: 'email', type: 'email', autocomplete: 'username', required: true }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    line,
    button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, line, async () => {
      await api.signIn(form.elements.email.value.trim(), form.elements.password.value);
      await enter();
    }, form);
  });
  show(main,
    heading('Sign in to Mailbridge'),
    h('p', {}, 'Use your CRM login.'),
    sentence ? h('p', { class: 'notice', role: 'status', id: 'signin-notice' }, sentence) : null,
    form);
  document.title = 'Sign in · Mailbridge';
  form.elements.email.focus();
}

function visible(route) {
  return !route.admin || ctx.isAdmin();
}

function buildMenu() {
  const items = routes.filter((r) => r.menu && visible(r));
  show(menu, h('ul', {}, items.map((r) =>
    h('li', {}, h('a', { href: '#/' + r.path, dataset: { route: r.path } }, r.menu)))));
  menu.hidden = false;
}

/** The route for a hash like `#/records/contacts/abc`, with its `:parameters`. */
function match(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) {
      continue;
    }
    const params = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = parts[i]), true) : p === parts[i]))) {
      return { route, params };
    }
  }
  return null;
}

async function route() {
  const found = match(location.hash);
  if (!found) {
    location.replace('#/' + home);
    return;
  }
  const { route: current, params } = found;
  const ticket = ++rendering;
  const top = current.path.split('/')[0];
  menu.querySelectorAll('a').forEach((a) => {
    if (a.dataset.route === top) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  if (!visible(current)) {
    // The menu hides admin pages; a typed address gets a sentence, and the API would refuse anyway.
    show(main, heading('Not available'),
      h('p', { id: 'admin-only' }, 'This page is for administrators of your organisation.'));
    return;
  }
  show(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const page = await current.load();
    if (ticket !== rendering) {
      return;
    }
    const view = h('section', { class: 'page', dataset: { page: current.path } });
    show(main, view);
    await page.render(view, params, ctx);
    if (ticket === rendering) {
      const title = main.querySelector('h1');
      document.title = (title ? title.textContent + ' · ' : '') + 'Mailbridge';
      if (title) {
        title.focus();
      }
    }
  } catch (e) {
    if (ticket === rendering && api.signedIn()) {
      show(main, heading('Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message));
    }
  }
}
