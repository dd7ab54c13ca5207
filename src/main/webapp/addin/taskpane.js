/*
 * Mailbridge task pane for Outlook: signs the rep in with the Exchange identity token (on-premises)
 * or through nested app authentication (Exchange Online), shows the CRM records of the email's
 * people, finds more records, and logs the email (with chosen attachments) to the chosen records,
 * over EWS or Microsoft Graph. In the compose window it inserts text shortcuts filled from a CRM
 * record and free times from the rep's calendar with a booking link, schedules the draft (Bcc and
 * file attachments included) to be sent later and switches tracking on for it; in both it tells
 * the rep about scheduled emails that failed. Written for this project; no framework.
 */
(function () {
  "use strict";

  // ---- constants -------------------------------------------------------------------------

  var ACTIVITY_PROPERTY_SET = "c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58";
  var ACTIVITY_PROPERTY_NAME = "MailbridgeActivityId";
  var NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
  var NS_M = "http://schemas.microsoft.com/exchange/services/2006/messages";
  var NS_T = "http://schemas.microsoft.com/exchange/services/2006/types";
  var MAX_PARTICIPANTS = 50;
  var SEARCH_TYPES = ["contacts", "leads", "accounts", "opportunities", "cases"];
  var SEARCH_LIMIT = 10;
  var SEARCH_MIN_CHARS = 2;
  var SEARCH_DELAY_MS = 300;
  var TIMEOUT_MS = 30000;
  var LOG_TIMEOUT_MS = 180000;
  // Reading a calendar at the provider can take a while.
  var AVAILABILITY_TIMEOUT_MS = 60000;
  // As many as POST /api/scheduled-sends takes.
  var MAX_SEND_ATTACHMENTS = 50;
  // Outlook's compose APIs do not say what type a file is; the common ones by their extension.
  var CONTENT_TYPES = {
    pdf: "application/pdf",
    txt: "text/plain",
    csv: "text/csv",
    htm: "text/html",
    html: "text/html",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    gif: "image/gif",
    zip: "application/zip",
    ics: "text/calendar",
    doc: "application/msword",
    xls: "application/vnd.ms-excel",
    ppt: "application/vnd.ms-powerpoint",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  };
  var TYPE_LABELS = {
    contacts: "Contact",
    leads: "Lead",
    accounts: "Account",
    opportunities: "Opportunity",
    cases: "Case",
  };
  var EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
  var NETWORK_MESSAGE =
    "Mailbridge could not be reached. Check your network connection and try again.";
  var TIMEOUT_MESSAGE = "Mailbridge took too long to answer. Try again.";

  /** The server's root, from the page's own address (/addin/taskpane.html → /). */
  var API_ROOT = new URL("../", document.baseURI);

  // ---- state -----------------------------------------------------------------------------

  var state = {
    signedIn: false,
    signingIn: null, // promise while a sign-in runs
    user: null,
    generation: 0, // bumped when Outlook shows another item; stale answers are dropped
    records: new Map(), // id → {id, type, name, detail}
    chosen: new Map(), // id → record, in the order chosen
    autoTicked: new Set(), // ids ticked by default and not touched by the rep since
    linked: new Set(), // ids the email is already logged to
    activityId: null, // MailbridgeActivityId read from or written to the item
    changeKey: null,
    logging: false,
    dialog: null,
    searchTimer: null,
    searchSeq: 0,
    online: null, // {clientId, pca} when signed in through Entra ID (Exchange Online)
    composing: false, // the item is a draft (compose window)
    untrackedHtml: null, // the draft's body before tracking rewrote it
  };

  var el = {};

  // ---- small helpers ---------------------------------------------------------------------

  function $(id) {
    return document.getElementById(id);
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function setStatus(text) {
    el.status.textContent = text;
  }

  function showError(message) {
    el.error.textContent = plainMessage(message);
    show(el.error, true);
  }

  function clearError() {
    el.error.textContent = "";
    show(el.error, false);
  }

  function showWarning(message) {
    el.warning.textContent = message;
    show(el.warning, true);
  }

  function clearWarning() {
    el.warning.textContent = "";
    show(el.warning, false);
  }

  /** A sentence for a person, whatever was thrown. */
  function plainMessage(error) {
    if (typeof error === "string" && error.trim()) {
      return error.trim();
    }
    if (error && typeof error.message === "string" && error.message.trim()) {
      return error.message.trim();
    }
    return "Something went wrong. Try again.";
  }

  function xmlEscape(value) {
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;");
  }

  function formatSize(bytes) {
    var n = Number(bytes) || 0;
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return Math.round(n / 1024) + " KB";
    }
    var mb = n / (1024 * 1024);
    return (mb < 10 ? mb.toFixed(1) : Math.round(mb)) + " MB";
  }

  function joinNames(names) {
    return names.filter(Boolean).join(", ");
  }

  // ---- Office ----------------------------------------------------------------------------

  function mailbox() {
    return window.Office && Office.context && Office.context.mailbox;
  }

  function currentItem() {
    var box = mailbox();
    return box ? box.item : null;
  }

  function succeededStatus() {
    return (Office.AsyncResultStatus && Office.AsyncResultStatus.Succeeded) || "succeeded";
  }

  function OfficeError(what, result) {
    var detail = result && result.error && typeof result.error.message === "string"
      ? result.error.message.trim()
      : "";
    this.message = detail ? what + " (" + detail + ")" : what;
    this.code = result && result.error ? result.error.code : undefined;
  }

  /** Runs an Office.js call that takes a callback and answers with an AsyncResult. */
  function officeCall(what, start) {
    return new Promise(function (resolve, reject) {
      try {
        start(function (result) {
          if (result && result.status === succeededStatus()) {
            resolve(result.value);
          } else {
            reject(new OfficeError(what, result));
          }
        });
      } catch (e) {
        reject(new OfficeError(what, { error: { message: e && e.message } }));
      }
    });
  }

  // ---- HTTP ------------------------------------------------------------------------------

  function ApiError(code, message, status, body) {
    this.code = code;
    this.message = message;
    this.status = status;
    this.body = body;
  }

  function genericMessage(status) {
    if (status === 401) {
      return "Your Mailbridge session has ended. Try again.";
    }
    if (status === 403) {
      return "You are not allowed to do this.";
    }
    if (status === 404) {
      return "Mailbridge could not find what was asked for.";
    }
    if (status === 413) {
      return "This is too large for Mailbridge.";
    }
    if (status === 429) {
      return "Mailbridge is busy. Wait a minute and try again.";
    }
    if (status >= 500) {
      return "Mailbridge ran into a problem. Try again later.";
    }
    return "Mailbridge could not do this (error " + status + ").";
  }

  /** One call to the server; answers the JSON body or throws an ApiError with a plain message. */
  function request(method, path, body, timeoutMs) {
    var headers = { "X-Mailbridge-Addin": "1", Accept: "application/json" };
    var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = null;
    if (controller) {
      init.signal = controller.signal;
      timer = setTimeout(function () {
        controller.abort();
      }, timeoutMs || TIMEOUT_MS);
    }
    var url = new URL(path, API_ROOT).href;
    return fetch(url, init)
      .catch(function (e) {
        var aborted = e && e.name === "AbortError";
        throw new ApiError(aborted ? "timeout" : "network", aborted ? TIMEOUT_MESSAGE : NETWORK_MESSAGE, 0);
      })
      .then(function (response) {
        return response.text().then(
          function (text) {
            return { response: response, text: text };
          },
          function () {
            throw new ApiError("network", NETWORK_MESSAGE, 0);
          }
        );
      })
      .then(function (answer) {
        var response = answer.response;
        var data = null;
        if (answer.text) {
          try {
            data = JSON.parse(answer.text);
          } catch (e) {
            data = null;
          }
        }
        if (!response.ok) {
          var message =
            data && typeof data.message === "string" && data.message.trim()
              ? data.message.trim()
              : genericMessage(response.status);
          var code = data && typeof data.error === "string" ? data.error : "http_" + response.status;
          throw new ApiError(code, message, response.status, data);
        }
        if (data === null && answer.text) {
          throw new ApiError("bad_answer", "Mailbridge sent an answer the add-in does not understand.", response.status);
        }
        return data;
      })
      .finally(function () {
        if (timer) {
          clearTimeout(timer);
        }
      });
  }

  /** A call that needs the session: on 401 it signs in again once, quietly, and repeats. */
  function api(method, path, body, timeoutMs) {
    return request(method, path, body, timeoutMs).catch(function (error) {
      if (!(error instanceof ApiError) || error.status !== 401) {
        throw error;
      }
      return renewSession().then(function (renewed) {
        if (!renewed) {
          throw error;
        }
        return request(method, path, body, timeoutMs);
      });
    });
  }

  // ---- sign-in ---------------------------------------------------------------------------

  /** Asks for a session the way this mailbox allows; answers {user} or {signup}. */
  function session() {
    return state.online ? graphSession() : exchangeSession();
  }

  /** The app id the manifest gave the pane (?app=) when the org has a Microsoft app. */
  function microsoftApp() {
    try {
      return new URL(document.location.href).searchParams.get("app");
    } catch (e) {
      return null;
    }
  }

  /**
   * Exchange Online no longer issues legacy tokens: use nested app authentication when Outlook
   * supports it, the org has a Microsoft app, and the mailbox says its legacy tokens are off.
   */
  function detectOnline() {
    var app = microsoftApp();
    var requirements = Office.context.requirements;
    if (!app || !requirements || !requirements.isSetSupported("NestedAppAuth", "1.1")) {
      return Promise.resolve(null);
    }
    var diagnostics = mailbox().diagnostics;
    var ews = diagnostics && diagnostics.ews;
    if (!ews || typeof ews.getTokenStatusAsync !== "function") {
      return Promise.resolve(null); // before Mailbox 1.16: an on-premises Outlook
    }
    return officeCall("Outlook could not say how this mailbox signs in", function (done) {
      ews.getTokenStatusAsync(done);
    })
      .then(function (status) {
        return status === 1 ? null : { clientId: app, pca: null }; // 1: legacy tokens enabled
      })
      .catch(function () {
        return null;
      });
  }

  function naaClient() {
    if (!state.online.pca) {
      if (!window.msal || typeof window.msal.createNestablePublicClientApplication !== "function") {
        return Promise.reject(
          new Error("This Mailbridge server was built without its sign-in library (MSAL).")
        );
      }
      state.online.pca = window.msal.createNestablePublicClientApplication({
        auth: {
          clientId: state.online.clientId,
          authority: "https://login.microsoftonline.com/common",
        },
      });
    }
    return Promise.resolve(state.online.pca);
  }

  /**
   * An Entra ID token for Mailbridge's API, silently when Outlook can, else with a pop-up. With a
   * claims challenge (multi-factor authentication or Conditional Access that Microsoft raised when
   * Mailbridge asked for Graph access) the cached token cannot do: ask with the claims, in a pop-up.
   */
  function naaToken(claims) {
    var scope = "api://" + API_ROOT.host + "/" + state.online.clientId + "/access_as_user";
    var tokenRequest = { scopes: [scope] };
    if (claims) {
      tokenRequest.claims = claims;
    }
    return naaClient().then(function (pca) {
      if (claims !== undefined) {
        return pca.acquireTokenPopup(tokenRequest);
      }
      return pca.acquireTokenSilent(tokenRequest).catch(function () {
        return pca.acquireTokenPopup(tokenRequest);
      });
    });
  }

  /**
   * Signs in with the Entra token. When Microsoft wants more of the user first (interaction_required,
   * with its claims challenge), MSAL signs in again with those claims and the pane asks once more.
   */
  function graphSession(claims) {
    return naaToken(claims).then(function (result) {
      var profile = mailbox().userProfile || {};
      return request("POST", "api/addin/graph/session", {
        accessToken: result.accessToken,
        mailbox: profile.emailAddress || "",
      })
        .then(function (data) {
          return { user: (data && data.user) || {} };
        })
        .catch(function (error) {
          if (error instanceof ApiError && error.code === "signup_required") {
            return { signup: error.body && error.body.signup, message: error.message };
          }
          if (error instanceof ApiError && error.code === "interaction_required" && claims === undefined) {
            var challenge = error.body && typeof error.body.claims === "string" ? error.body.claims : "";
            return graphSession(challenge);
          }
          throw error;
        });
    });
  }

  /** Graph wants REST ids; Outlook hands out EWS ids. */
  function restId(id) {
    var box = mailbox();
    if (box && typeof box.convertToRestId === "function" && Office.MailboxEnums) {
      return box.convertToRestId(id, Office.MailboxEnums.RestVersion.v2_0);
    }
    return id;
  }

  /** Asks for a session with the Exchange identity token (on-premises). */
  function exchangeSession() {
    var box = mailbox();
    return officeCall("Outlook could not confirm who you are", function (done) {
      box.getUserIdentityTokenAsync(done);
    }).then(function (identityToken) {
      var profile = box.userProfile || {};
      return request("POST", "api/addin/exchange/session", {
        identityToken: identityToken,
        mailbox: profile.emailAddress || "",
        displayName: profile.displayName || "",
      })
        .then(function (data) {
          return { user: (data && data.user) || {} };
        })
        .catch(function (error) {
          if (error instanceof ApiError && error.code === "signup_required") {
            return { signup: error.body && error.body.signup, message: error.message };
          }
          throw error;
        });
    });
  }

  function renewSession() {
    if (!state.signedIn) {
      return Promise.resolve(false);
    }
    if (!state.signingIn) {
      state.signingIn = session()
        .then(function (answer) {
          if (answer.signup) {
            state.signedIn = false;
            showSignup(answer);
            return false;
          }
          state.user = answer.user;
          return true;
        })
        .catch(function () {
          return false;
        })
        .finally(function () {
          state.signingIn = null;
        });
    }
    return state.signingIn;
  }

  function signIn() {
    if (state.signingIn) {
      return state.signingIn;
    }
    clearError();
    show(el.retry, false);
    show(el.signup, false);
    setStatus("Signing in…");
    state.signingIn = session()
      .then(function (answer) {
        if (answer.signup) {
          showSignup(answer);
          return;
        }
        state.signedIn = true;
        state.user = answer.user;
        showUser(answer.user);
        loadItem();
      })
      .catch(function (error) {
        setStatus("Not signed in");
        showError(error);
        show(el.retry, true);
      })
      .finally(function () {
        state.signingIn = null;
      });
    return state.signingIn;
  }

  function showUser(user) {
    var name = (user && (user.displayName || user.email)) || "";
    el.user.textContent = name;
    el.user.title = user && user.email ? user.email : "";
    show(el.user, Boolean(name));
  }

  function showSignup(answer) {
    state.signupUrl = answer.signup || null;
    show(el.main, false);
    setStatus("Link your CRM account to continue");
    if (answer.message) {
      el.signupText.textContent = answer.message;
    }
    show(el.signup, true);
    el.signupButton.disabled = !state.signupUrl;
    if (!state.signupUrl) {
      showError("Mailbridge did not say where to link your account. Try again later.");
      show(el.retry, true);
    }
  }

  /** The sign-up address from the server, only on this server's own origin. */
  function signupAddress() {
    try {
      var url = new URL(state.signupUrl, location.origin + "/");
      return url.origin === location.origin ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function dialogErrorMessage(code) {
    if (code === 12007) {
      return "A Mailbridge window is already open. Finish or close it first.";
    }
    if (code === 12009 || code === 12011) {
      return "Outlook did not open the sign-in window. Allow pop-ups for this add-in and try again.";
    }
    if (code === 12002 || code === 12003 || code === 12004 || code === 12005) {
      return "Outlook could not show the Mailbridge sign-in page. Ask your administrator to check the add-in's address.";
    }
    return "Outlook could not open the sign-in window.";
  }

  /** Runs inside the click, so the dialog counts as a reaction to the rep (pop-up rules). */
  function openSignupDialog() {
    var url = signupAddress();
    clearError();
    show(el.retry, false);
    if (!url) {
      showError("The sign-in address from Mailbridge is not valid. Try again later.");
      show(el.retry, true);
      return;
    }
    var linked = false;
    el.signupButton.disabled = true;
    try {
      Office.context.ui.displayDialogAsync(url, { height: 60, width: 30 }, function (result) {
        if (!result || result.status !== succeededStatus()) {
          el.signupButton.disabled = false;
          showError(dialogErrorMessage(result && result.error && result.error.code));
          return;
        }
        var dialog = result.value;
        state.dialog = dialog;
        setStatus("Sign in to the CRM in the window that opened");
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, function (arg) {
          if (!arg || arg.message !== "linked" || linked) {
            return;
          }
          linked = true;
          closeDialog();
          show(el.signup, false);
          el.signupButton.disabled = false;
          signIn();
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, function (arg) {
          if (linked) {
            return;
          }
          state.dialog = null;
          el.signupButton.disabled = false;
          var code = arg && arg.error;
          setStatus("Your CRM account is not linked yet");
          showError(
            code === 12006 || code === undefined
              ? "The sign-in window was closed before your account was linked."
              : dialogErrorMessage(code)
          );
          show(el.retry, true);
        });
      });
    } catch (e) {
      el.signupButton.disabled = false;
      showError("Outlook could not open the sign-in window.");
      show(el.retry, true);
    }
  }

  function closeDialog() {
    var dialog = state.dialog;
    state.dialog = null;
    if (dialog) {
      try {
        dialog.close();
      } catch (e) {
        // already closed
      }
    }
  }

  // ---- the item --------------------------------------------------------------------------

  function resetItemState() {
    state.generation += 1;
    state.records = new Map();
    state.chosen = new Map();
    state.autoTicked = new Set();
    state.linked = new Set();
    state.activityId = null;
    state.changeKey = null;
    el.loggedState.textContent = "";
    show(el.loggedState, false);
    el.searchResults.textContent = "";
    clearWarning();
    renderChosen();
  }

  function loadItem() {
    resetItemState();
    clearError();
    loadFailedSends();
    var item = currentItem();
    state.composing = isCompose(item);
    show(el.compose, state.composing);
    if (state.composing) {
      show(el.main, false);
      loadCompose(item, state.generation);
      return;
    }
    if (!item || !item.itemId) {
      show(el.main, false);
      setStatus("Select an email to log it to the CRM.");
      return;
    }
    var generation = state.generation;
    show(el.main, true);
    setStatus("Loading…");
    renderAttachments(item);
    var context = loadContext(item, generation);
    var logged = readLoggedState(item, generation);
    Promise.all([context, logged]).then(function () {
      if (generation !== state.generation || state.logging) {
        return;
      }
      if (!state.activityId && el.status.textContent === "Loading…") {
        setStatus("Not logged yet");
      }
    });
  }

  function addresses(item) {
    var seen = new Set();
    var list = [];
    function add(address) {
      if (!address) {
        return;
      }
      var email = String(address.emailAddress || "").trim();
      var key = email.toLowerCase();
      if (!EMAIL.test(email) || email.length > 320 || seen.has(key)) {
        return;
      }
      seen.add(key);
      list.push({ email: email, displayName: String(address.displayName || "").trim() });
    }
    add(item.from);
    (item.to || []).forEach(add);
    (item.cc || []).forEach(add);
    return list;
  }

  // ---- records ---------------------------------------------------------------------------

  function recordName(type, json) {
    var name = "";
    if (type === "contacts" || type === "leads") {
      name = [json.firstName, json.lastName].filter(Boolean).join(" ");
      if (!name && Array.isArray(json.emails) && json.emails.length) {
        name = json.emails[0];
      }
    } else if (type === "cases") {
      name = json.subject;
    } else {
      name = json.name;
    }
    return String(name || "(no name)");
  }

  function recordDetail(type, json) {
    if (type === "contacts") {
      return json.title || (Array.isArray(json.emails) && json.emails[0]) || "";
    }
    if (type === "leads") {
      return json.company || json.title || "";
    }
    if (type === "accounts") {
      return Array.isArray(json.domains) ? json.domains.join(", ") : "";
    }
    if (type === "opportunities") {
      return json.stage || "";
    }
    if (type === "cases") {
      return json.status || "";
    }
    return "";
  }

  /** The record as the pane keeps it; the first view of an id wins. */
  function remember(type, json) {
    if (!json || typeof json.id !== "string") {
      return null;
    }
    var known = state.records.get(json.id);
    if (known) {
      return known;
    }
    var record = {
      id: json.id,
      type: type,
      name: recordName(type, json),
      detail: String(recordDetail(type, json) || ""),
    };
    state.records.set(record.id, record);
    return record;
  }

  function choose(record, chosen, byRep) {
    if (byRep) {
      state.autoTicked.delete(record.id);
    }
    if (chosen) {
      state.chosen.set(record.id, record);
    } else {
      state.chosen.delete(record.id);
    }
    syncCheckboxes(record.id);
    renderChosen();
  }

  function syncCheckboxes(id) {
    var boxes = document.querySelectorAll("input[data-record-id]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("data-record-id") === id) {
        boxes[i].checked = state.chosen.has(id);
      }
    }
  }

  /** A checkbox row for a record; ticking it adds the record to the chosen list. */
  function recordRow(record) {
    var row = make("li", "record");
    var label = make("label", "record-label");
    var box = make("input");
    box.type = "checkbox";
    box.setAttribute("data-record-id", record.id);
    box.setAttribute("data-record-type", record.type);
    box.checked = state.chosen.has(record.id);
    box.addEventListener("change", function () {
      choose(record, box.checked, true);
    });
    label.appendChild(box);
    var text = make("span", "record-text");
    text.appendChild(make("span", "record-name", record.name));
    var meta = make("span", "record-meta", TYPE_LABELS[record.type] || record.type);
    if (record.detail) {
      meta.textContent += " · " + record.detail;
    }
    text.appendChild(meta);
    label.appendChild(text);
    if (state.linked.has(record.id)) {
      label.appendChild(make("span", "tag", "logged"));
    }
    row.appendChild(label);
    return row;
  }

  function refreshLinkedTags() {
    var labels = document.querySelectorAll("label.record-label");
    for (var i = 0; i < labels.length; i++) {
      var box = labels[i].querySelector("input[data-record-id]");
      var tag = labels[i].querySelector(".tag");
      var linked = box && state.linked.has(box.getAttribute("data-record-id"));
      if (linked && !tag) {
        labels[i].appendChild(make("span", "tag", "logged"));
      } else if (!linked && tag) {
        tag.remove();
      }
    }
  }

  /** Records the email is already on are not ticked by default: logging again adds nothing. */
  function applyLinked(ids) {
    ids.forEach(function (id) {
      state.linked.add(id);
      if (state.autoTicked.has(id)) {
        state.autoTicked.delete(id);
        state.chosen.delete(id);
        syncCheckboxes(id);
      }
    });
    refreshLinkedTags();
    renderChosen();
  }

  // ---- participants ----------------------------------------------------------------------

  function loadContext(item, generation) {
    var people = addresses(item);
    el.participants.setAttribute("aria-busy", "true");
    if (!people.length) {
      el.participants.textContent = "";
      el.participants.appendChild(make("p", "muted", "There are no email addresses on this email."));
      el.participants.setAttribute("aria-busy", "false");
      return Promise.resolve();
    }
    var truncated = people.length > MAX_PARTICIPANTS;
    var asked = people.slice(0, MAX_PARTICIPANTS);
    var query = asked
      .map(function (p) {
        return encodeURIComponent(p.email);
      })
      .join(",");
    return api("GET", "api/addin/context?emails=" + query)
      .then(function (data) {
        if (generation !== state.generation) {
          return;
        }
        renderParticipants(asked, (data && data.participants) || [], truncated);
      })
      .catch(function (error) {
        if (generation !== state.generation) {
          return;
        }
        el.participants.textContent = "";
        el.participants.appendChild(
          make("p", "muted", "The CRM records of these people could not be loaded.")
        );
        showError(error);
      })
      .finally(function () {
        el.participants.setAttribute("aria-busy", "false");
      });
  }

  function renderParticipants(asked, participants, truncated) {
    var byEmail = new Map();
    participants.forEach(function (p) {
      if (p && typeof p.email === "string") {
        byEmail.set(p.email.toLowerCase(), p);
      }
    });
    el.participants.textContent = "";
    var list = make("ul", "people");
    asked.forEach(function (person) {
      var found = byEmail.get(person.email.toLowerCase()) || {};
      var entry = make("li", "person");
      entry.setAttribute("data-email", person.email);
      var head = make("div", "person-head");
      head.appendChild(make("span", "person-name", person.displayName || person.email));
      if (person.displayName && person.displayName !== person.email) {
        head.appendChild(make("span", "person-email", person.email));
      }
      entry.appendChild(head);
      var rows = make("ul", "records");
      var count = 0;
      [
        ["contacts", true],
        ["leads", true],
        ["accounts", false],
      ].forEach(function (group) {
        var type = group[0];
        (Array.isArray(found[type]) ? found[type] : []).forEach(function (json) {
          var record = remember(type, json);
          if (!record) {
            return;
          }
          if (group[1] && !state.linked.has(record.id) && !state.chosen.has(record.id)) {
            state.chosen.set(record.id, record);
            state.autoTicked.add(record.id);
          }
          rows.appendChild(recordRow(record));
          count += 1;
        });
      });
      if (count) {
        entry.appendChild(rows);
      } else {
        entry.appendChild(make("p", "muted small", "Not in the CRM."));
      }
      list.appendChild(entry);
    });
    el.participants.appendChild(list);
    if (truncated) {
      el.participants.appendChild(
        make("p", "muted small", "Only the first " + MAX_PARTICIPANTS + " addresses are shown.")
      );
    }
    // Records chosen elsewhere before this list arrived keep their ticks.
    state.chosen.forEach(function (record, id) {
      syncCheckboxes(id);
    });
    renderChosen();
  }

  // ---- search ----------------------------------------------------------------------------

  function scheduleSearch(immediately) {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(runSearch, immediately ? 0 : SEARCH_DELAY_MS);
  }

  function runSearch() {
    var q = el.search.value.trim().replace(/\s+/g, " ");
    var type = el.searchType.value;
    var seq = ++state.searchSeq;
    var generation = state.generation;
    el.searchResults.textContent = "";
    if (!q) {
      el.searchResults.removeAttribute("aria-busy");
      return;
    }
    if (q.length < SEARCH_MIN_CHARS) {
      el.searchResults.appendChild(
        make("p", "muted", "Type at least " + SEARCH_MIN_CHARS + " letters.")
      );
      return;
    }
    var types = type ? [type] : SEARCH_TYPES;
    el.searchResults.setAttribute("aria-busy", "true");
    el.searchResults.appendChild(make("p", "muted", "Searching…"));
    var calls = types.map(function (t) {
      return api(
        "GET",
        "api/records/" + t + "?q=" + encodeURIComponent(q) + "&limit=" + SEARCH_LIMIT
      ).then(
        function (data) {
          return { type: t, items: (data && Array.isArray(data.items) && data.items) || [] };
        },
        function (error) {
          return { type: t, error: error };
        }
      );
    });
    Promise.all(calls).then(function (answers) {
      if (seq !== state.searchSeq || generation !== state.generation) {
        return; // a newer search or another item
      }
      el.searchResults.removeAttribute("aria-busy");
      renderSearchResults(answers);
    });
  }

  function renderSearchResults(answers) {
    el.searchResults.textContent = "";
    var total = 0;
    var failure = null;
    var list = make("ul", "records");
    answers.forEach(function (answer) {
      if (answer.error) {
        failure = failure || answer.error;
        return;
      }
      answer.items.forEach(function (json) {
        var record = remember(answer.type, json);
        if (record) {
          list.appendChild(recordRow(record));
          total += 1;
        }
      });
    });
    if (total) {
      el.searchResults.appendChild(list);
    } else if (!failure) {
      el.searchResults.appendChild(make("p", "muted", "No records found."));
    }
    if (failure) {
      el.searchResults.appendChild(
        make("p", "error-inline", "Search failed: " + plainMessage(failure))
      );
    }
  }

  // ---- chosen list -----------------------------------------------------------------------

  function renderChosen() {
    el.chosen.textContent = "";
    state.chosen.forEach(function (record) {
      var row = make("li", "chosen-item");
      row.setAttribute("data-chosen-id", record.id);
      var text = make("span", "record-text");
      text.appendChild(make("span", "record-name", record.name));
      text.appendChild(make("span", "record-meta", TYPE_LABELS[record.type] || record.type));
      row.appendChild(text);
      var remove = make("button", "remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove " + record.name);
      remove.setAttribute("data-remove-id", record.id);
      remove.addEventListener("click", function () {
        choose(record, false, true);
      });
      row.appendChild(remove);
      el.chosen.appendChild(row);
    });
    show(el.chosenEmpty, state.chosen.size === 0);
    updateLogButton();
  }

  function updateLogButton() {
    if (state.logging) {
      el.logButton.disabled = true;
      el.logButton.textContent = "Logging…";
      return;
    }
    var count = state.chosen.size;
    el.logButton.disabled = count === 0;
    el.logButton.textContent =
      count === 0 ? "Log email" : count === 1 ? "Log email to 1 record" : "Log email to " + count + " records";
  }

  // ---- attachments -----------------------------------------------------------------------

  function renderAttachments(item) {
    el.attachments.textContent = "";
    var files = (item.attachments || []).filter(function (a) {
      return a && !a.isInline;
    });
    if (!files.length) {
      el.attachments.appendChild(make("p", "muted", "No attachments."));
      return;
    }
    var list = make("ul", "files");
    files.forEach(function (attachment) {
      var row = make("li", "file");
      var label = make("label", "record-label");
      var box = make("input");
      box.type = "checkbox";
      box.setAttribute("data-attachment-id", attachment.id);
      box.checked = false;
      var cloud = attachment.attachmentType === "cloud";
      if (cloud) {
        box.disabled = true;
      }
      label.appendChild(box);
      var text = make("span", "record-text");
      text.appendChild(make("span", "record-name", attachment.name || "(no name)"));
      text.appendChild(
        make(
          "span",
          "record-meta",
          cloud ? "Link to a shared file; cannot be copied" : formatSize(attachment.size)
        )
      );
      label.appendChild(text);
      row.appendChild(label);
      list.appendChild(row);
    });
    el.attachments.appendChild(list);
  }

  function chosenAttachmentIds() {
    var ids = [];
    var boxes = el.attachments.querySelectorAll("input[data-attachment-id]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked && !boxes[i].disabled) {
        ids.push(boxes[i].getAttribute("data-attachment-id"));
      }
    }
    return ids;
  }

  // ---- EWS from the add-in ---------------------------------------------------------------

  function soap(body) {
    return (
      '<?xml version="1.0" encoding="utf-8"?>\n' +
      '<soap:Envelope xmlns:soap="' + NS_SOAP + '" xmlns:t="' + NS_T + '" xmlns:m="' + NS_M + '">\n' +
      "  <soap:Header>\n" +
      '    <t:RequestServerVersion Version="Exchange2013_SP1"/>\n' +
      "  </soap:Header>\n" +
      "  <soap:Body>\n" +
      body +
      "  </soap:Body>\n" +
      "</soap:Envelope>\n"
    );
  }

  function extendedFieldUri(propertySetId, name, indent) {
    return (
      indent +
      '<t:ExtendedFieldURI PropertySetId="' + xmlEscape(propertySetId) +
      '" PropertyName="' + xmlEscape(name) + '" PropertyType="String"/>\n'
    );
  }

  function getItemRequest(itemId) {
    return soap(
      "    <m:GetItem>\n" +
        "      <m:ItemShape>\n" +
        "        <t:BaseShape>IdOnly</t:BaseShape>\n" +
        "        <t:AdditionalProperties>\n" +
        extendedFieldUri(ACTIVITY_PROPERTY_SET, ACTIVITY_PROPERTY_NAME, "          ") +
        "        </t:AdditionalProperties>\n" +
        "      </m:ItemShape>\n" +
        "      <m:ItemIds>\n" +
        '        <t:ItemId Id="' + xmlEscape(itemId) + '"/>\n' +
        "      </m:ItemIds>\n" +
        "    </m:GetItem>\n"
    );
  }

  function updateItemRequest(itemId, changeKey, property) {
    var uri = function (indent) {
      return extendedFieldUri(property.propertySetId, property.name, indent);
    };
    return soap(
      '    <m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="AutoResolve">\n' +
        "      <m:ItemChanges>\n" +
        "        <t:ItemChange>\n" +
        '          <t:ItemId Id="' + xmlEscape(itemId) + '"' +
        (changeKey ? ' ChangeKey="' + xmlEscape(changeKey) + '"' : "") + "/>\n" +
        "          <t:Updates>\n" +
        "            <t:SetItemField>\n" +
        uri("              ") +
        "              <t:Message>\n" +
        "                <t:ExtendedProperty>\n" +
        uri("                  ") +
        "                  <t:Value>" + xmlEscape(property.value) + "</t:Value>\n" +
        "                </t:ExtendedProperty>\n" +
        "              </t:Message>\n" +
        "            </t:SetItemField>\n" +
        "          </t:Updates>\n" +
        "        </t:ItemChange>\n" +
        "      </m:ItemChanges>\n" +
        "    </m:UpdateItem>\n"
    );
  }

  function firstNS(node, ns, localName) {
    return node ? node.getElementsByTagNameNS(ns, localName)[0] || null : null;
  }

  /** Sends one EWS request through Outlook; answers the response message element. */
  function ews(xml, operation) {
    return officeCall("Outlook could not reach Exchange", function (done) {
      Office.context.mailbox.makeEwsRequestAsync(xml, done);
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(String(text || ""), "text/xml");
      if (doc.getElementsByTagName("parsererror").length) {
        throw new Error("Exchange sent an answer that is not XML.");
      }
      var fault = firstNS(doc, NS_SOAP, "Fault");
      if (fault) {
        throw new Error("Exchange refused the request.");
      }
      var message = firstNS(doc, NS_M, operation + "ResponseMessage");
      if (!message) {
        throw new Error("Exchange sent an unexpected answer.");
      }
      if (message.getAttribute("ResponseClass") === "Error") {
        var code = firstNS(message, NS_M, "ResponseCode");
        var error = new Error("Exchange answered " + (code ? code.textContent : "an error") + ".");
        error.responseCode = code ? code.textContent : "";
        throw error;
      }
      return message;
    });
  }

  function rememberChangeKey(message) {
    var itemId = firstNS(message, NS_T, "ItemId");
    var key = itemId && itemId.getAttribute("ChangeKey");
    if (key) {
      state.changeKey = key;
    }
  }

  /** The MailbridgeActivityId on the item, read through Outlook without asking the server. */
  function readLoggedState(item, generation) {
    if (state.online) {
      return api("GET", "api/addin/log/graph?itemId=" + encodeURIComponent(restId(item.itemId)))
        .then(function (answer) {
          if (generation !== state.generation || !answer || !answer.activityId) {
            return;
          }
          return showLogged(String(answer.activityId), generation);
        })
        .catch(function () {
          // Not knowing whether the email was logged is no reason to stop the rep.
        });
    }
    var box = mailbox();
    if (!box || typeof box.makeEwsRequestAsync !== "function") {
      return Promise.resolve();
    }
    return ews(getItemRequest(item.itemId), "GetItem")
      .then(function (message) {
        if (generation !== state.generation) {
          return;
        }
        rememberChangeKey(message);
        var value = activityIdIn(message);
        if (!value) {
          return;
        }
        return showLogged(value, generation);
      })
      .catch(function () {
        // Not knowing whether the email was logged is no reason to stop the rep.
      });
  }

  function showLogged(activityId, generation) {
    state.activityId = activityId;
    setStatus("Logged to CRM");
    el.loggedState.textContent = "Logged to CRM";
    show(el.loggedState, true);
    return describeActivity(activityId, generation);
  }

  function activityIdIn(message) {
    var properties = message.getElementsByTagNameNS(NS_T, "ExtendedProperty");
    for (var i = 0; i < properties.length; i++) {
      var uri = firstNS(properties[i], NS_T, "ExtendedFieldURI");
      var value = firstNS(properties[i], NS_T, "Value");
      if (
        uri &&
        value &&
        uri.getAttribute("PropertyName") === ACTIVITY_PROPERTY_NAME &&
        String(uri.getAttribute("PropertySetId") || "").toLowerCase() === ACTIVITY_PROPERTY_SET
      ) {
        var text = value.textContent.trim();
        if (text) {
          return text;
        }
      }
    }
    return null;
  }

  /** Names the records an already logged email is on ("Logged to Acme Ltd, Bob Buyer"). */
  function describeActivity(activityId, generation) {
    return api("GET", "api/activities/" + encodeURIComponent(activityId))
      .then(function (activity) {
        if (generation !== state.generation) {
          return;
        }
        var links = (activity && Array.isArray(activity.links) ? activity.links : []).filter(
          function (link) {
            return link && typeof link.id === "string" && typeof link.type === "string";
          }
        );
        applyLinked(
          links.map(function (link) {
            return link.id;
          })
        );
        return Promise.all(links.map(linkName)).then(function (names) {
          if (generation !== state.generation || state.logging) {
            return;
          }
          var text = joinNames(names);
          if (text) {
            el.loggedState.textContent = "Logged to " + text;
          }
        });
      })
      .catch(function (error) {
        if (generation !== state.generation) {
          return;
        }
        if (error instanceof ApiError && error.status === 404) {
          el.loggedState.textContent = "Marked as logged, but the CRM no longer has this email.";
        }
      });
  }

  function linkName(link) {
    var known = state.records.get(link.id);
    if (known) {
      return Promise.resolve(known.name);
    }
    var type = link.type.toLowerCase();
    if (SEARCH_TYPES.indexOf(type) < 0) {
      return Promise.resolve("");
    }
    return api("GET", "api/records/" + type + "/" + encodeURIComponent(link.id)).then(
      function (json) {
        var record = remember(type, json);
        return record ? record.name : "";
      },
      function () {
        return "a " + (TYPE_LABELS[type] || "record").toLowerCase();
      }
    );
  }

  // ---- logging ---------------------------------------------------------------------------

  function logEmail() {
    if (state.logging || state.chosen.size === 0) {
      return;
    }
    var item = currentItem();
    if (!item || !item.itemId) {
      return;
    }
    var generation = state.generation;
    var records = Array.from(state.chosen.values());
    var attachmentIds = chosenAttachmentIds();
    clearError();
    clearWarning();
    state.logging = true;
    updateLogButton();
    setStatus("Logging…");
    var recordIds = records.map(function (r) {
      return r.id;
    });
    var sent = state.online
      ? api(
          "POST",
          "api/addin/log",
          {
            provider: "graph",
            itemId: restId(item.itemId),
            recordIds: recordIds,
            attachmentIds: attachmentIds.map(restId),
          },
          LOG_TIMEOUT_MS
        )
      : officeCall("Outlook did not give Mailbridge access to this email", function (done) {
          Office.context.mailbox.getCallbackTokenAsync(done);
        }).then(function (callbackToken) {
          return api(
            "POST",
            "api/addin/log",
            {
              ewsUrl: Office.context.mailbox.ewsUrl,
              callbackToken: callbackToken,
              itemId: item.itemId,
              recordIds: recordIds,
              attachmentIds: attachmentIds,
            },
            LOG_TIMEOUT_MS
          );
        });
    sent
      .then(function (answer) {
        if (generation !== state.generation) {
          return;
        }
        var names = joinNames(
          records.map(function (r) {
            return r.name;
          })
        );
        el.loggedState.textContent =
          (answer && answer.alreadyLogged ? "Already logged; added to " : "Logged to ") + names;
        show(el.loggedState, true);
        setStatus("Logged to CRM");
        records.forEach(function (r) {
          state.autoTicked.delete(r.id); // logged by the rep's choice: the ticks stay
        });
        applyLinked(
          records.map(function (r) {
            return r.id;
          })
        );
        return markItem(item, answer, generation);
      })
      .catch(function (error) {
        if (generation !== state.generation) {
          return;
        }
        setStatus(state.activityId ? "Logged to CRM" : "Not logged");
        showError(error);
      })
      .finally(function () {
        state.logging = false;
        updateLogButton();
      });
  }

  /** Writes the activity id into the email, so the pane knows next time without asking. */
  function markItem(item, answer, generation) {
    var activityId = answer && answer.activityId != null ? String(answer.activityId) : "";
    var property = answer && answer.extendedProperty;
    if (!activityId) {
      return Promise.resolve();
    }
    if (answer.propertyWritten) {
      state.activityId = activityId; // Mailbridge wrote it over Graph already
      return Promise.resolve();
    }
    if (state.activityId === activityId) {
      return Promise.resolve(); // the email already carries this id
    }
    var propertySetId = (property && property.propertySetId) || ACTIVITY_PROPERTY_SET;
    var name = (property && property.name) || ACTIVITY_PROPERTY_NAME;
    var value = property && property.value != null ? String(property.value) : activityId;
    var xml = updateItemRequest(item.itemId, state.changeKey, {
      propertySetId: propertySetId,
      name: name,
      value: value,
    });
    return ews(xml, "UpdateItem").then(
      function (message) {
        if (generation !== state.generation) {
          return;
        }
        rememberChangeKey(message);
        state.activityId = activityId;
      },
      function () {
        if (generation !== state.generation) {
          return;
        }
        showWarning("Logged, but Outlook could not mark the email.");
      }
    );
  }

  // ---- compose window --------------------------------------------------------------------

  /** In the compose window Office gives the fields as objects with getAsync, not as values. */
  function isCompose(item) {
    return Boolean(
      item && item.subject && typeof item.subject.getAsync === "function" && item.body
    );
  }

  function isMessage(item) {
    return !item.itemType || String(item.itemType).toLowerCase() === "message";
  }

  function coercion(name) {
    var types = Office.CoercionType || {};
    return types[name] || name.toLowerCase();
  }

  function recipientsOf(item) {
    var fields = [item.to, item.cc, item.requiredAttendees, item.optionalAttendees].filter(
      function (field) {
        return field && typeof field.getAsync === "function";
      }
    );
    return Promise.all(
      fields.map(function (field) {
        return officeCall("Outlook could not read the recipients", function (done) {
          field.getAsync(done);
        });
      })
    ).then(function (lists) {
      var seen = new Set();
      var emails = [];
      lists.forEach(function (list) {
        (list || []).forEach(function (address) {
          var email = String((address && address.emailAddress) || "").trim();
          if (EMAIL.test(email) && !seen.has(email.toLowerCase())) {
            seen.add(email.toLowerCase());
            emails.push(email);
          }
        });
      });
      return emails;
    });
  }

  function loadCompose(item, generation) {
    setStatus(isMessage(item) ? "Composing an email" : "Composing a meeting");
    show(el.sendLaterBlock, isMessage(item));
    show(el.trackingBlock, isMessage(item));
    el.sendLaterState.textContent = "";
    show(el.sendLaterAsk, false);
    el.availabilityState.textContent = "";
    el.trackingState.textContent = "";
    el.trackEmail.checked = false;
    el.trackEmail.disabled = false;
    state.untrackedHtml = null;
    if (!el.sendAt.value) {
      var inAnHour = new Date(Date.now() + 3600 * 1000);
      inAnHour.setMinutes(0, 0, 0);
      el.sendAt.value = localInputValue(inAnHour);
    }
    loadShortcuts(generation);
    loadComposeRecords(item, generation);
  }

  function localInputValue(date) {
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return (
      date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes())
    );
  }

  function loadShortcuts(generation) {
    el.shortcutSelect.disabled = true;
    el.insertShortcut.disabled = true;
    return api("GET", "api/shortcuts")
      .then(function (data) {
        if (generation !== state.generation) {
          return;
        }
        var items = (data && Array.isArray(data.items) ? data.items : []).filter(function (s) {
          return s && typeof s.id === "string";
        });
        el.shortcutSelect.textContent = "";
        if (!items.length) {
          el.shortcutSelect.appendChild(option("", "No shortcuts yet"));
          return;
        }
        items.forEach(function (s) {
          el.shortcutSelect.appendChild(option(s.id, String(s.name || "(no name)")));
        });
        el.shortcutSelect.disabled = false;
        el.insertShortcut.disabled = false;
      })
      .catch(function (error) {
        if (generation === state.generation) {
          el.shortcutSelect.textContent = "";
          el.shortcutSelect.appendChild(option("", "Shortcuts could not be loaded"));
          showError(error);
        }
      });
  }

  function option(value, text) {
    var node = make("option", null, text);
    node.value = value;
    return node;
  }

  /** The records of the draft's recipients, to fill shortcuts from and to log a later send to. */
  function loadComposeRecords(item, generation) {
    return recipientsOf(item)
      .then(function (emails) {
        if (!emails.length || generation !== state.generation) {
          return null;
        }
        var query = emails.slice(0, MAX_PARTICIPANTS).map(encodeURIComponent).join(",");
        return api("GET", "api/addin/context?emails=" + query);
      })
      .then(function (data) {
        if (!data || generation !== state.generation) {
          return;
        }
        var chosen = el.composeRecord.value;
        el.composeRecord.textContent = "";
        el.composeRecord.appendChild(option("", "No record"));
        (data.participants || []).forEach(function (p) {
          ["contacts", "leads", "accounts"].forEach(function (type) {
            (Array.isArray(p[type]) ? p[type] : []).forEach(function (json) {
              var record = remember(type, json);
              if (record && !el.composeRecord.querySelector("option[value='" + cssId(record.id) + "']")) {
                el.composeRecord.appendChild(
                  option(record.id, record.name + " · " + (TYPE_LABELS[type] || type))
                );
              }
            });
          });
        });
        // The first contact or lead is the likely one; the rep may pick another.
        el.composeRecord.value = chosen || (el.composeRecord.options[1] ? el.composeRecord.options[1].value : "");
      })
      .catch(function (error) {
        if (generation === state.generation) {
          showError(error);
        }
      });
  }

  function cssId(id) {
    return String(id).replace(/[^A-Za-z0-9_-]/g, "");
  }

  function chosenRecordIds() {
    return el.composeRecord.value ? [el.composeRecord.value] : [];
  }

  /** Renders the shortcut with the chosen record and inserts it where the cursor is. */
  function insertShortcut() {
    var item = currentItem();
    var id = el.shortcutSelect.value;
    if (!isCompose(item) || !id) {
      return;
    }
    clearError();
    el.insertShortcut.disabled = true;
    var body = { recordId: el.composeRecord.value || null };
    Promise.all([
      api("POST", "api/shortcuts/" + encodeURIComponent(id) + "/render", body),
      bodyIsHtml(item),
    ])
      .then(function (answers) {
        var rendered = answers[0] || {};
        var html = answers[1];
        var data = html ? String(rendered.html || "") : String(rendered.text || "");
        return officeCall("Outlook could not insert the text", function (done) {
          item.body.setSelectedDataAsync(
            data,
            { coercionType: coercion(html ? "Html" : "Text") },
            done
          );
        });
      })
      .then(function () {
        setStatus("Shortcut inserted");
      })
      .catch(showError)
      .finally(function () {
        el.insertShortcut.disabled = false;
      });
  }

  /** Whether the draft's body is HTML (else plain text, also when Outlook cannot say). */
  function bodyIsHtml(item) {
    return officeCall("Outlook could not read the body's format", function (done) {
      item.body.getTypeAsync(done);
    }).then(
      function (type) {
        return String(type || "").toLowerCase() === "html";
      },
      function () {
        return false;
      }
    );
  }

  // ---- insert availability ---------------------------------------------------------------

  function repTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch (e) {
      return null;
    }
  }

  /** The booking link, only when it is an http(s) URL (it goes into an href). */
  function bookingLink(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * The slots as lines of text on the wall clock of {@code zone}, one line per day:
   * "Tuesday 4 March: 09:00–09:30, 09:30–10:00".
   */
  function slotLines(slots, zone) {
    var day;
    var time;
    try {
      day = new Intl.DateTimeFormat(undefined, {
        timeZone: zone,
        weekday: "long",
        day: "numeric",
        month: "long",
      });
      time = new Intl.DateTimeFormat(undefined, {
        timeZone: zone,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch (e) {
      return null; // a zone this browser does not know
    }
    var lines = [];
    var byDay = {};
    slots.forEach(function (slot) {
      var start = new Date(slot && slot.start);
      var end = new Date(slot && slot.end);
      if (isNaN(start.getTime()) || isNaN(end.getTime())) {
        return;
      }
      var label = day.format(start);
      var span = time.format(start) + "\u2013" + time.format(end);
      if (!byDay[label]) {
        byDay[label] = { label: label, spans: [] };
        lines.push(byDay[label]);
      }
      byDay[label].spans.push(span);
    });
    return lines.map(function (line) {
      return line.label + ": " + line.spans.join(", ");
    });
  }

  function availabilityText(lines, link, zone) {
    return (
      "Times that suit me (" + zone + " time):\n" +
      lines.map(function (line) {
        return "- " + line + "\n";
      }).join("") +
      "Pick one here: " + link + "\n"
    );
  }

  function availabilityHtml(lines, link, zone) {
    return (
      "<p>Times that suit me (" + xmlEscape(zone) + " time):</p><ul>" +
      lines.map(function (line) {
        return "<li>" + xmlEscape(line) + "</li>";
      }).join("") +
      '</ul><p>Pick one here: <a href="' + xmlEscape(link) + '">' + xmlEscape(link) + "</a></p>"
    );
  }

  /**
   * Asks Mailbridge for free times in the rep's calendar (in the rep's time zone) and inserts them
   * with the booking link where the cursor is: HTML when the body is HTML, plain text otherwise.
   */
  function insertAvailability() {
    var item = currentItem();
    if (!isCompose(item)) {
      return;
    }
    clearError();
    var generation = state.generation;
    var zone = repTimeZone();
    var body = {
      durationMinutes: Number(el.availabilityDuration.value) || 30,
      days: Number(el.availabilityDays.value) || 7,
    };
    if (zone) {
      body.timeZone = zone;
    }
    el.insertAvailability.disabled = true;
    el.availabilityBlock.setAttribute("aria-busy", "true");
    el.availabilityState.removeAttribute("data-booking-url");
    el.availabilityState.textContent = "Looking for free times in your calendar…";
    Promise.all([api("POST", "api/availability", body, AVAILABILITY_TIMEOUT_MS), bodyIsHtml(item)])
      .then(function (answers) {
        var offer = answers[0] || {};
        var link = bookingLink(offer.bookingUrl);
        var shownZone = String(offer.timeZone || zone || "UTC");
        var lines = slotLines(Array.isArray(offer.slots) ? offer.slots : [], shownZone);
        if (!link || !lines || !lines.length) {
          throw new Error("Mailbridge sent free times the add-in does not understand.");
        }
        if (generation !== state.generation) {
          return null;
        }
        var html = answers[1];
        var data = html
          ? availabilityHtml(lines, link, shownZone)
          : availabilityText(lines, link, shownZone);
        return officeCall("Outlook could not insert the times", function (done) {
          item.body.setSelectedDataAsync(
            data,
            { coercionType: coercion(html ? "Html" : "Text") },
            done
          );
        }).then(function () {
          return { link: link, count: offer.slots.length, expiresAt: offer.expiresAt };
        });
      })
      .then(function (inserted) {
        if (!inserted || generation !== state.generation) {
          return;
        }
        var until = new Date(inserted.expiresAt);
        el.availabilityState.textContent =
          "Inserted " + inserted.count + " free time(s) and your booking link" +
          (isNaN(until.getTime()) ? "." : "; the link works until " + until.toLocaleDateString() + ".");
        el.availabilityState.setAttribute("data-booking-url", inserted.link);
        setStatus("Free times inserted");
      })
      .catch(function (error) {
        el.availabilityState.textContent = "";
        showError(error);
      })
      .finally(function () {
        el.insertAvailability.disabled = false;
        el.availabilityBlock.removeAttribute("aria-busy");
      });
  }

  // ---- send later ------------------------------------------------------------------------

  function field(item, name, what) {
    return officeCall("Outlook could not read the " + what, function (done) {
      item[name].getAsync(done);
    });
  }

  function emailsOf(list) {
    return (list || [])
      .map(function (a) {
        return String((a && a.emailAddress) || "").trim();
      })
      .filter(function (email) {
        return EMAIL.test(email);
      });
  }

  function enumValue(group, name, fallback) {
    var enums = (window.Office && Office.MailboxEnums) || {};
    return (enums[group] && enums[group][name]) || fallback;
  }

  function contentTypeOf(name) {
    var dot = String(name).lastIndexOf(".");
    var extension = dot < 0 ? "" : String(name).slice(dot + 1).toLowerCase();
    return CONTENT_TYPES[extension] || "application/octet-stream";
  }

  /**
   * The draft's attachments (Mailbox 1.8): the files Mailbridge can send with it, and the ones it
   * cannot (Outlook items, cloud links, pictures inside the text), each with why. {known: false}
   * when this Outlook cannot list them.
   */
  function attachmentsOf(item) {
    if (typeof item.getAttachmentsAsync !== "function") {
      return Promise.resolve({ known: false, files: [], left: [] });
    }
    return officeCall("Outlook could not list the attachments", function (done) {
      item.getAttachmentsAsync(done);
    }).then(function (list) {
      var files = [];
      var left = [];
      (Array.isArray(list) ? list : []).forEach(function (a) {
        var type = String((a && a.attachmentType) || "");
        var name = String((a && a.name) || "(no name)");
        if (type === enumValue("AttachmentType", "Item", "item")) {
          left.push({ name: name, why: "an Outlook item" });
        } else if (type === enumValue("AttachmentType", "Cloud", "cloud")) {
          left.push({ name: name, why: "a cloud file" });
        } else if (a && a.isInline) {
          left.push({ name: name, why: "a picture inside the text" });
        } else {
          files.push({ id: String(a.id), name: name });
        }
      });
      return { known: true, files: files, left: left };
    });
  }

  /** The bytes of each file, one after the other (each is a whole file in memory). */
  function fileContents(item, files) {
    var base64 = enumValue("AttachmentContentFormat", "Base64", "base64");
    var out = [];
    return files
      .reduce(function (previous, file) {
        return previous.then(function () {
          return officeCall("Outlook could not read the attachment " + file.name, function (done) {
            item.getAttachmentContentAsync(file.id, done);
          }).then(function (content) {
            if (!content || content.format !== base64 || typeof content.content !== "string") {
              throw new Error("Outlook did not give the file " + file.name + "; remove it or send now.");
            }
            out.push({ name: file.name, contentType: contentTypeOf(file.name), content: content.content });
          });
        });
      }, Promise.resolve())
      .then(function () {
        return out;
      });
  }

  /** Says before scheduling what would not go with the email, and waits for the rep. */
  function askToLeaveBehind(listing) {
    el.sendLaterWarning.textContent = listing.known
      ? "These attachments cannot be sent later with this email: " +
        listing.left
          .map(function (a) {
            return a.name + " (" + a.why + ")";
          })
          .join(", ") +
        ". Schedule without them, or send the email yourself."
      : "This Outlook does not hand the draft's attachments to Mailbridge: if it has any, they" +
        " would not be sent. Schedule without them, or send the email yourself.";
    show(el.sendLaterAsk, true);
    el.sendLaterState.textContent = "";
  }

  function tooLarge(error) {
    return error instanceof ApiError && error.status === 413;
  }

  /**
   * Reads the draft (recipients with Bcc, subject, body and file attachments) and hands it to
   * Mailbridge to send at the chosen time. Attachments that cannot go with it are named first,
   * and are left behind only when the rep says so ({@code leaveBehind}).
   */
  function sendLater(leaveBehind) {
    var item = currentItem();
    if (!isCompose(item) || !isMessage(item)) {
      return;
    }
    clearError();
    show(el.sendLaterAsk, false);
    var at = el.sendAt.value ? new Date(el.sendAt.value) : null;
    if (!at || isNaN(at.getTime())) {
      showError("Choose when to send it.");
      return;
    }
    var generation = state.generation;
    el.sendLater.disabled = true;
    el.sendLaterAnyway.disabled = true;
    el.sendLaterState.textContent = "Reading the draft…";
    Promise.all([
      field(item, "subject", "subject"),
      field(item, "to", "recipients"),
      field(item, "cc", "recipients"),
      item.bcc && typeof item.bcc.getAsync === "function"
        ? field(item, "bcc", "Bcc recipients")
        : Promise.resolve([]),
      officeCall("Outlook could not read the body", function (done) {
        item.body.getAsync(coercion("Html"), done);
      }),
      attachmentsOf(item),
    ])
      .then(function (draft) {
        var to = emailsOf(draft[1]);
        var cc = emailsOf(draft[2]);
        var bcc = emailsOf(draft[3]);
        if (!to.length && !cc.length && !bcc.length) {
          throw new Error("Add a recipient first.");
        }
        var listing = draft[5];
        if ((!listing.known || listing.left.length) && leaveBehind !== true) {
          askToLeaveBehind(listing);
          return null;
        }
        if (listing.files.length > MAX_SEND_ATTACHMENTS) {
          throw new Error(
            "A scheduled email takes at most " + MAX_SEND_ATTACHMENTS + " attachments; this one has " +
              listing.files.length + "."
          );
        }
        if (listing.files.length) {
          el.sendLaterState.textContent = "Reading the attachments…";
        }
        return fileContents(item, listing.files).then(function (attachments) {
          el.sendLaterState.textContent = "Scheduling…";
          return api(
            "POST",
            "api/scheduled-sends",
            {
              sendAt: at.toISOString(),
              message: {
                to: to,
                cc: cc,
                bcc: bcc,
                subject: String(draft[0] || ""),
                html: String(draft[4] || ""),
                attachments: attachments,
              },
              recordIds: chosenRecordIds(),
            },
            LOG_TIMEOUT_MS
          ).then(function (created) {
            return { created: created, files: attachments.length, left: listing.left };
          });
        });
      })
      .then(function (scheduled) {
        if (!scheduled || generation !== state.generation) {
          return;
        }
        var created = scheduled.created;
        el.sendLaterState.textContent =
          "Scheduled for " + new Date(created.sendAt).toLocaleString() +
          (scheduled.files ? " with " + scheduled.files + " attachment(s)" : "") +
          (scheduled.left.length
            ? ", without " +
              scheduled.left
                .map(function (a) {
                  return a.name;
                })
                .join(", ")
            : "") +
          ". Discard this draft: Mailbridge sends the email from your mailbox then.";
        el.sendLaterState.setAttribute("data-send-id", String(created.id || ""));
        setStatus("Scheduled");
      })
      .catch(function (error) {
        el.sendLaterState.textContent = "";
        showError(
          tooLarge(error)
            ? "This email and its attachments are too large to send later. Remove an attachment," +
                " or send the email yourself."
            : error
        );
      })
      .finally(function () {
        el.sendLater.disabled = false;
        el.sendLaterAnyway.disabled = false;
      });
  }

  /**
   * Tracking rewrites the draft's body (pixel and links) through Mailbridge; off again puts the
   * body back as it was. Mailbridge answers untracked when the org has tracking off or a recipient
   * is internal, and the switch says why.
   */
  function toggleTracking() {
    var item = currentItem();
    if (!isCompose(item)) {
      return;
    }
    clearError();
    var on = el.trackEmail.checked;
    el.trackEmail.disabled = true;
    var done;
    if (!on) {
      var original = state.untrackedHtml;
      done = original === null
        ? Promise.resolve()
        : officeCall("Outlook could not change the body", function (cb) {
            item.body.setAsync(original, { coercionType: coercion("Html") }, cb);
          }).then(function () {
            state.untrackedHtml = null;
            el.trackingState.textContent = "Not tracked.";
          });
    } else {
      done = Promise.all([
        officeCall("Outlook could not read the body", function (cb) {
          item.body.getAsync(coercion("Html"), cb);
        }),
        recipientsOf(item),
      ])
        .then(function (read) {
          return api("POST", "api/tracking/prepare", {
            html: String(read[0] || ""),
            recipients: read[1],
            recordIds: chosenRecordIds(),
          }).then(function (prepared) {
            if (!prepared || !prepared.tracked) {
              el.trackEmail.checked = false;
              el.trackingState.textContent =
                prepared && prepared.reason === "internal_recipient"
                  ? "Not tracked: emails to your own organisation are never tracked."
                  : "Tracking is off for your organisation.";
              return;
            }
            return officeCall("Outlook could not change the body", function (cb) {
              item.body.setAsync(String(prepared.html), { coercionType: coercion("Html") }, cb);
            }).then(function () {
              state.untrackedHtml = String(read[0] || "");
              el.trackingState.textContent =
                "Tracked: opens and " + prepared.links + " link(s). Links added from now on are not tracked.";
            });
          });
        });
    }
    done
      .catch(function (error) {
        el.trackEmail.checked = !on;
        showError(error);
      })
      .finally(function () {
        el.trackEmail.disabled = false;
      });
  }

  // ---- failed scheduled sends ------------------------------------------------------------

  /** Scheduled emails that failed, until the rep dismisses them (which cancels them). */
  function loadFailedSends() {
    return request("GET", "api/scheduled-sends")
      .then(function (data) {
        var failed = (data && Array.isArray(data.items) ? data.items : []).filter(function (s) {
          return s && s.state === "FAILED";
        });
        el.failedSendsList.textContent = "";
        failed.forEach(function (send) {
          var row = make("li", "failed-send");
          row.setAttribute("data-send-id", String(send.id));
          row.appendChild(make("span", "record-name", String(send.subject || "(no subject)")));
          row.appendChild(
            make("span", "record-meta", String(send.problem || "It could not be sent."))
          );
          var dismiss = make("button", null, "Dismiss");
          dismiss.type = "button";
          dismiss.addEventListener("click", function () {
            dismiss.disabled = true;
            api("DELETE", "api/scheduled-sends/" + encodeURIComponent(send.id))
              .then(function () {
                row.remove();
                show(el.failedSends, el.failedSendsList.children.length > 0);
              })
              .catch(function (error) {
                dismiss.disabled = false;
                showError(error);
              });
          });
          row.appendChild(dismiss);
          el.failedSendsList.appendChild(row);
        });
        show(el.failedSends, failed.length > 0);
      })
      .catch(function () {
        // Not a reason to disturb the rep: the list comes back with the next item.
      });
  }

  // ---- start -----------------------------------------------------------------------------

  function bind() {
    el.status = $("status");
    el.error = $("error");
    el.warning = $("warning");
    el.user = $("user");
    el.signup = $("signup");
    el.signupText = $("signup-text");
    el.signupButton = $("signup-button");
    el.retry = $("retry-button");
    el.main = $("main");
    el.loggedState = $("logged-state");
    el.participants = $("participants");
    el.searchForm = $("search-form");
    el.search = $("search");
    el.searchType = $("search-type");
    el.searchResults = $("search-results");
    el.chosen = $("chosen");
    el.chosenEmpty = $("chosen-empty");
    el.attachments = $("attachments");
    el.logButton = $("log-button");
    el.compose = $("compose");
    el.composeRecord = $("compose-record");
    el.shortcutSelect = $("shortcut-select");
    el.insertShortcut = $("insert-shortcut");
    el.sendLaterBlock = $("send-later-block");
    el.sendAt = $("send-at");
    el.sendLater = $("send-later");
    el.sendLaterState = $("send-later-state");
    el.sendLaterAsk = $("send-later-ask");
    el.sendLaterWarning = $("send-later-warning");
    el.sendLaterAnyway = $("send-later-anyway");
    el.availabilityBlock = $("availability-block");
    el.availabilityDuration = $("availability-duration");
    el.availabilityDays = $("availability-days");
    el.insertAvailability = $("insert-availability");
    el.availabilityState = $("availability-state");
    el.trackingBlock = $("tracking-block");
    el.trackEmail = $("track-email");
    el.trackingState = $("tracking-state");
    el.failedSends = $("failed-sends");
    el.failedSendsList = $("failed-sends-list");

    el.signupButton.addEventListener("click", openSignupDialog);
    el.retry.addEventListener("click", function () {
      closeDialog();
      signIn();
    });
    el.search.addEventListener("input", function () {
      scheduleSearch(false);
    });
    el.searchType.addEventListener("change", function () {
      scheduleSearch(true);
    });
    el.searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      scheduleSearch(true);
    });
    el.logButton.addEventListener("click", logEmail);
    el.insertShortcut.addEventListener("click", insertShortcut);
    el.sendLater.addEventListener("click", function () {
      sendLater(false);
    });
    el.sendLaterAnyway.addEventListener("click", function () {
      sendLater(true);
    });
    el.insertAvailability.addEventListener("click", insertAvailability);
    el.trackEmail.addEventListener("change", toggleTracking);
  }

  function watchItemChanges() {
    var box = mailbox();
    var type = Office.EventType && Office.EventType.ItemChanged;
    if (!type || typeof box.addHandlerAsync !== "function") {
      return;
    }
    try {
      box.addHandlerAsync(type, function () {
        if (state.signedIn) {
          loadItem();
        }
      });
    } catch (e) {
      // pinning not supported here
    }
  }

  function start() {
    bind();
    if (!window.Office || typeof Office.onReady !== "function") {
      setStatus("Open this from an email in Outlook");
      return;
    }
    Office.onReady(function () {
      var box = mailbox();
      if (!box || typeof box.getUserIdentityTokenAsync !== "function") {
        setStatus("Open this from an email in Outlook");
        return;
      }
      watchItemChanges();
      detectOnline().then(function (online) {
        state.online = online;
        signIn();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
