// The console's one way to the JSON API. The access token lives in this module's memory only and
// goes out as a bearer header, never as a cookie, so another site cannot make the browser send it
// (the CSRF argument in the README). The refresh token is kept in sessionStorage: it survives a
// reload and the round trip through Google or Microsoft in this tab, and is gone with the tab.

const REFRESH_KEY = 'mailbridge.console.refresh';

let access = null;
let expiresAt = 0;
let refreshTimer = null;
let refreshing = null;
let onEnded = () => {};

/** An answer the API refused: its status, error code and sentence. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The field an `invalid_field` error names ("field: reason"), if any. */
  get field() {
    const m = this.code === 'invalid_field' && /^([A-Za-z][\w.]*): /.exec(this.message);
    return m ? m[1] : null;
  }
}

/** Called with a sentence when the session ends by itself (expired, revoked, user disabled). */
export function whenSessionEnds(callback) {
  onEnded = callback;
}

export function signedIn() {
  return access !== null;
}

/** When the current access token expires (ms since the epoch). */
export function sessionExpiresAt() {
  return expiresAt;
}

export async function signIn(email, password) {
  const tokens = await call('POST', '/api/auth/login', { json: { email, password }, anonymous: true });
  keep(tokens);
}

/** Signs in again from the refresh token this tab kept; false when there is none or it is spent. */
export async function resume() {
  if (!sessionStorage.getItem(REFRESH_KEY)) {
    return false;
  }
  try {
    await refresh();
    return true;
  } catch (e) {
    return false;
  }
}

export async function signOut() {
  const token = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (token) {
    try {
      await call('POST', '/api/auth/logout', { json: { refreshToken: token }, anonymous: true });
    } catch (e) {
      // Signed out here either way; the refresh token expires on its own.
    }
  }
}

function keep(tokens) {
  access = tokens.accessToken;
  expiresAt = Date.now() + tokens.expiresIn * 1000;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  clearTimeout(refreshTimer);
  // Refresh a little before the end, so a page in use never meets an expired token.
  const lead = Math.max(5000, tokens.expiresIn * 1000 * 0.2);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), Math.max(1000, tokens.expiresIn * 1000 - lead));
}

function forget() {
  access = null;
  expiresAt = 0;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH_KEY);
}

// One refresh at a time: concurrent 401s wait for the same one (refresh tokens rotate).
function refresh() {
  if (!refreshing) {
    const token = sessionStorage.getItem(REFRESH_KEY);
    refreshing = (async () => {
      try {
        if (!token) {
          throw new ApiError(401, 'unauthorized', 'Not signed in');
        }
        keep(await call('POST', '/api/auth/refresh', { json: { refreshToken: token }, anonymous: true }));
      } catch (e) {
        const wasSignedIn = access !== null;
        forget();
        if (wasSignedIn) {
          onEnded('Your session has ended. Sign in again to go on.');
        }
        throw e;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/**
 * Calls the API as the signed-in person: `json` is sent as the body, `body` as is (with `type`);
 * answers the parsed JSON (or null for 204), `raw: true` the Response. A 401 refreshes the session
 * once and tries again; other refusals throw an ApiError with the server's sentence.
 */
export async function call(method, path, options = {}) {
  const response = await send(method, path, options);
  if (response.status === 401 && !options.anonymous && sessionStorage.getItem(REFRESH_KEY)) {
    await refresh();
    return answer(await send(method, path, options), options);
  }
  if (response.status === 401 && !options.anonymous && access !== null) {
    forget();
    onEnded('Your session has ended. Sign in again to go on.');
  }
  return answer(response, options);
}

function send(method, path, options) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.type || 'application/octet-stream';
    body = options.body;
  }
  if (access && !options.anonymous) {
    headers.Authorization = 'Bearer ' + access;
  }
  // No cookies go along: the API authenticates the console by the header alone.
  return fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
}

async function answer(response, options) {
  if (!response.ok) {
    throw await problem(response);
  }
  if (options.raw) {
    return response;
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

async function problem(response) {
  let code = 'http_' + response.status;
  let message = 'The server answered ' + response.status + '.';
  try {
    const body = await response.json();
    code = body.error || code;
    message = body.message || message;
  } catch (e) {
    // Not the API's JSON (a proxy's page): keep the status sentence.
  }
  return new ApiError(response.status, code, message);
}

/**
 * Uploads with progress (fetch cannot report it): `progress(sent, total)` while the body goes
 * out, then the JSON answer.
 */
export async function upload(method, path, file, type, headers, progress) {
  const attempt = () =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.setRequestHeader('Content-Type', type);
      xhr.setRequestHeader('Accept', 'application/json');
      if (access) {
        xhr.setRequestHeader('Authorization', 'Bearer ' + access);
      }
      Object.entries(headers || {}).forEach(([k, v]) => xhr.setRequestHeader(k, v));
      xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () => reject(new ApiError(0, 'network', 'The server could not be reached.'));
      xhr.onload = () => resolve(xhr);
      xhr.send(file);
    });
  let xhr = await attempt();
  if (xhr.status === 401 && sessionStorage.getItem(REFRESH_KEY)) {
    await refresh();
    xhr = await attempt();
  }
  let body = null;
  try {
    body = JSON.parse(xhr.responseText);
  } catch (e) {
    body = null;
  }
  if (xhr.status < 200 || xhr.status >= 300) {
    throw new ApiError(
      xhr.status,
      (body && body.error) || 'http_' + xhr.status,
      (body && body.message) || 'The server answered ' + xhr.status + '.');
  }
  return body;
}

/** Fetches a file with the bearer token and hands it to the browser as a download. */
export async function download(path, fallbackName) {
  const response = await call('GET', path, { raw: true, headers: { Accept: '*/*' } });
  const blob = await response.blob();
  const name = fileName(response.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function fileName(disposition) {
  if (!disposition) {
    return null;
  }
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch (e) {
      // fall through to the plain name
    }
  }
  const plain = /filename="([^"]*)"/i.exec(disposition);
  return plain ? plain[1] : null;
}
