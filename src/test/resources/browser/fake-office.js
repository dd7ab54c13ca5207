/*
 * A stand-in for Office.js in an Outlook read form, for the task pane's browser tests.
 *
 * The test injects this before any page script runs (Chrome DevTools
 * Page.addScriptToEvaluateOnNewDocument), right after a script that sets the settings:
 *
 *   window.__mailbridgeFake = {
 *     identityToken, callbackToken, ewsUrl, itemId, subject,
 *     from: {emailAddress, displayName}, to: [...], cc: [...],
 *     attachments: [{id, name, size, attachmentType, isInline, contentType}],
 *     userProfile: {emailAddress, displayName},
 *     // optional:
 *     changeKey: "...",                 // the item's first ChangeKey
 *     activityId: "...",                // MailbridgeActivityId already on the item
 *     extendedProperties: [{propertySetId, name, value}],  // other string properties on the item
 *     identityTokenError: "...",        // getUserIdentityTokenAsync fails with this message
 *     callbackTokenError: "...",        // getCallbackTokenAsync fails with this message
 *     ewsFail: true | ["UpdateItem"],   // makeEwsRequestAsync fails (for all, or these operations)
 *     online: {accessToken, tokenStatus},  // Exchange Online: NestedAppAuth 1.1, legacy tokens
 *                                          // off (tokenStatus 0), and a fake MSAL whose
 *                                          // nested-app client hands out accessToken
 *     compose: {itemType, subject, to, cc, bcc, bodyHtml, bodyType,  // a compose form instead of
 *               attachments: [{id, name, size, attachmentType, isInline, content}],
 *               noAttachmentApi: true},    // a read form: a draft with no itemId whose fields are
 *                                          // read with getAsync (Mailbox 1.1/1.3 compose APIs);
 *                                          // its attachments through getAttachmentsAsync and
 *                                          // getAttachmentContentAsync (Mailbox 1.8; left out
 *                                          // with noAttachmentApi): content is what Outlook
 *                                          // answers, base64 for a file, the .eml text for an
 *                                          // item, the URL for a cloud attachment
 *   };
 *
 * The optional knobs are read at call time, so a test may change them later with executeScript.
 * What the fake adds to the settings object, for the test to read:
 *   ewsRequests: every request XML given to makeEwsRequestAsync, in order;
 *   itemStore: {<itemId>: {changeKey, extendedProperties: [{propertySetId, name, value}]}};
 *   dialogs: [{url, open}] for every displayDialogAsync call;
 *   naaRequests: [{clientId, scopes, how}] for every token the fake MSAL handed out;
 *   selectItem(itemSettings): shows another item (pinned task pane) and fires ItemChanged;
 *   draft: {bodyHtml, insertions: [{data, coercionType}], attachmentReads: [id]} of the compose
 *     form: the body as the pane left it, what body.setSelectedDataAsync inserted (at the end:
 *     the fake's cursor), and the attachments whose content was asked for, in order.
 *
 * window.Office is a non-writable, non-configurable property holding frozen objects, so a late
 * office.js can neither replace it nor overwrite its functions.
 */
(function () {
  "use strict";

  var existing = Object.getOwnPropertyDescriptor(window, "Office");
  if (existing && !existing.configurable) {
    return; // injected twice into one document
  }

  var settings = window.__mailbridgeFake;
  if (!settings || typeof settings !== "object") {
    settings = {};
    window.__mailbridgeFake = settings;
  }
  settings.ewsRequests = settings.ewsRequests || [];
  settings.itemStore = settings.itemStore || {};
  settings.dialogs = settings.dialogs || [];
  settings.naaRequests = settings.naaRequests || [];
  var online = settings.online && typeof settings.online === "object" ? settings.online : null;

  var NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
  var NS_M = "http://schemas.microsoft.com/exchange/services/2006/messages";
  var NS_T = "http://schemas.microsoft.com/exchange/services/2006/types";
  var ACTIVITY_PROPERTY_SET = "c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58";
  var ACTIVITY_PROPERTY_NAME = "MailbridgeActivityId";

  var AsyncResultStatus = Object.freeze({ Succeeded: "succeeded", Failed: "failed" });
  var EventType = Object.freeze({
    DialogMessageReceived: "dialogMessageReceived",
    DialogEventReceived: "dialogEventReceived",
    ItemChanged: "olkItemSelectedChanged",
  });

  function later(fn) {
    setTimeout(fn, 0);
  }

  function succeeded(value, asyncContext) {
    return {
      status: AsyncResultStatus.Succeeded,
      value: value,
      error: null,
      asyncContext: asyncContext,
    };
  }

  function failed(code, name, message, asyncContext) {
    return {
      status: AsyncResultStatus.Failed,
      value: undefined,
      error: { code: code, name: name, message: message },
      asyncContext: asyncContext,
    };
  }

  /** Office.js methods take (callback, userContext) or (options, callback). */
  function callArgs(first, second) {
    if (typeof first === "function") {
      return { options: {}, callback: first, asyncContext: second };
    }
    var options = first && typeof first === "object" ? first : {};
    return {
      options: options,
      callback: typeof second === "function" ? second : function () {},
      asyncContext: options.asyncContext,
    };
  }

  function copyAddress(address) {
    if (!address) {
      return null;
    }
    return {
      emailAddress: String(address.emailAddress || ""),
      displayName: String(address.displayName || address.emailAddress || ""),
      recipientType: address.recipientType || "externalUser",
    };
  }

  function copyAddresses(list) {
    return Array.isArray(list) ? list.map(copyAddress) : [];
  }

  function copyAttachments(list) {
    return (Array.isArray(list) ? list : []).map(function (a) {
      return {
        id: String(a.id),
        name: String(a.name || ""),
        size: Number(a.size || 0),
        attachmentType: a.attachmentType || "file",
        isInline: Boolean(a.isInline),
        contentType: a.contentType || "application/octet-stream",
      };
    });
  }

  var changeKeyCounter = 0;
  function newChangeKey() {
    changeKeyCounter += 1;
    var raw = "fake-changekey-" + Date.now() + "-" + changeKeyCounter;
    return btoa(raw);
  }

  /** The store entry of an item, created from its settings on first use. */
  function storeEntry(itemSettings) {
    var id = String(itemSettings.itemId);
    var entry = settings.itemStore[id];
    if (!entry) {
      entry = { changeKey: itemSettings.changeKey || newChangeKey(), extendedProperties: [] };
      (itemSettings.extendedProperties || []).forEach(function (p) {
        entry.extendedProperties.push({
          propertySetId: String(p.propertySetId),
          name: String(p.name),
          value: String(p.value),
        });
      });
      if (itemSettings.activityId) {
        entry.extendedProperties.push({
          propertySetId: ACTIVITY_PROPERTY_SET,
          name: ACTIVITY_PROPERTY_NAME,
          value: String(itemSettings.activityId),
        });
      }
      settings.itemStore[id] = entry;
    }
    return entry;
  }

  function makeItem(itemSettings) {
    if (!itemSettings || !itemSettings.itemId) {
      return null;
    }
    storeEntry(itemSettings);
    var from = copyAddress(itemSettings.from);
    return Object.freeze({
      itemId: String(itemSettings.itemId),
      itemType: "message",
      subject: String(itemSettings.subject || ""),
      from: from,
      sender: from,
      to: Object.freeze(copyAddresses(itemSettings.to)),
      cc: Object.freeze(copyAddresses(itemSettings.cc)),
      attachments: Object.freeze(copyAttachments(itemSettings.attachments)),
      internetMessageId: itemSettings.internetMessageId || "<fake-" + itemSettings.itemId + "@test>",
      dateTimeCreated: new Date(),
    });
  }

  var currentItem = makeItem(settings);
  var itemChangedHandlers = [];

  settings.selectItem = function (itemSettings) {
    currentItem = makeItem(itemSettings);
    itemChangedHandlers.slice().forEach(function (handler) {
      later(function () {
        handler({ type: EventType.ItemChanged });
      });
    });
  };

  // ---- compose form ----------------------------------------------------------------------

  var CoercionType = Object.freeze({ Html: "html", Text: "text" });

  /** A draft in a compose form: fields are objects read (and the body written) asynchronously. */
  function makeComposeItem(composeSettings) {
    var draft = {
      bodyHtml: String(composeSettings.bodyHtml || "<html><body><p></p></body></html>"),
      insertions: [],
      attachmentReads: [],
    };
    var attachments = Array.isArray(composeSettings.attachments) ? composeSettings.attachments : [];
    settings.draft = draft;
    var bodyType = composeSettings.bodyType === "text" ? CoercionType.Text : CoercionType.Html;

    function reply(args, result) {
      later(function () {
        args.callback(result);
      });
    }

    function recipients(list) {
      return Object.freeze({
        getAsync: function (first, second) {
          var args = callArgs(first, second);
          reply(args, succeeded(copyAddresses(list), args.asyncContext));
        },
      });
    }

    function textOf(html) {
      var doc = new DOMParser().parseFromString(String(html), "text/html");
      return doc.body ? doc.body.textContent : "";
    }

    function coercionOf(options) {
      return options && options.coercionType === CoercionType.Html
        ? CoercionType.Html
        : CoercionType.Text;
    }

    var body = Object.freeze({
      getTypeAsync: function (first, second) {
        var args = callArgs(first, second);
        reply(args, succeeded(bodyType, args.asyncContext));
      },
      getAsync: function (coercionType, first, second) {
        var args = callArgs(first, second);
        var value = coercionType === CoercionType.Html ? draft.bodyHtml : textOf(draft.bodyHtml);
        reply(args, succeeded(value, args.asyncContext));
      },
      setSelectedDataAsync: function (data, first, second) {
        var args = callArgs(first, second);
        var type = coercionOf(args.options);
        if (type === CoercionType.Html && bodyType !== CoercionType.Html) {
          reply(args, failed(9000, "InvalidFormatError", "The body is plain text.", args.asyncContext));
          return;
        }
        draft.insertions.push({ data: String(data), coercionType: type });
        draft.bodyHtml = draft.bodyHtml.replace(/<\/body>/i, String(data) + "</body>");
        reply(args, succeeded(undefined, args.asyncContext));
      },
      setAsync: function (data, first, second) {
        var args = callArgs(first, second);
        draft.bodyHtml = String(data);
        reply(args, succeeded(undefined, args.asyncContext));
      },
    });

    var CONTENT_FORMATS = { file: "base64", item: "eml", cloud: "url" };

    /** AttachmentDetailsCompose: no content type (compose mode does not give one). */
    function getAttachmentsAsync(first, second) {
      var args = callArgs(first, second);
      var details = attachments.map(function (a) {
        return Object.freeze({
          id: String(a.id),
          name: String(a.name || ""),
          size: Number(a.size || 0),
          attachmentType: a.attachmentType || "file",
          isInline: Boolean(a.isInline),
        });
      });
      reply(args, succeeded(details, args.asyncContext));
    }

    function getAttachmentContentAsync(id, first, second) {
      var args = callArgs(first, second);
      draft.attachmentReads.push(String(id));
      var found = attachments.filter(function (a) {
        return String(a.id) === String(id);
      })[0];
      if (!found) {
        reply(args, failed(9043, "InvalidAttachmentId", "The attachment ID was invalid.", args.asyncContext));
        return;
      }
      reply(
        args,
        succeeded(
          Object.freeze({
            content: String(found.content || ""),
            format: CONTENT_FORMATS[found.attachmentType || "file"] || "base64",
          }),
          args.asyncContext
        )
      );
    }

    var isAppointment = composeSettings.itemType === "appointment";
    var item = {
      itemType: isAppointment ? "appointment" : "message",
      subject: Object.freeze({
        getAsync: function (first, second) {
          var args = callArgs(first, second);
          reply(args, succeeded(String(composeSettings.subject || ""), args.asyncContext));
        },
      }),
      to: recipients(composeSettings.to),
      cc: recipients(composeSettings.cc),
      body: body,
    };
    if (!isAppointment) {
      item.bcc = recipients(composeSettings.bcc);
    }
    if (!composeSettings.noAttachmentApi) {
      item.getAttachmentsAsync = getAttachmentsAsync;
      item.getAttachmentContentAsync = getAttachmentContentAsync;
    }
    return Object.freeze(item);
  }

  if (settings.compose && typeof settings.compose === "object") {
    currentItem = makeComposeItem(settings.compose);
  }

  // ---- EWS -------------------------------------------------------------------------------

  function xmlEscape(value) {
    return String(value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;");
  }

  function firstChildElement(node) {
    for (var child = node && node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 1) {
        return child;
      }
    }
    return null;
  }

  function children(node, ns, localName) {
    var found = [];
    for (var child = node && node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 1 && child.namespaceURI === ns && child.localName === localName) {
        found.push(child);
      }
    }
    return found;
  }

  function child(node, ns, localName) {
    return children(node, ns, localName)[0] || null;
  }

  function sameProperty(a, propertySetId, name) {
    return (
      a.propertySetId.toLowerCase() === String(propertySetId).toLowerCase() && a.name === name
    );
  }

  function envelope(body) {
    return (
      '<?xml version="1.0" encoding="utf-8"?>' +
      '<s:Envelope xmlns:s="' +
      NS_SOAP +
      '">' +
      "<s:Header>" +
      '<h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4"' +
      ' Version="V2017_07_11" xmlns:h="' +
      NS_T +
      '" xmlns="' +
      NS_T +
      '" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>' +
      "</s:Header>" +
      '<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
      body +
      "</s:Body></s:Envelope>"
    );
  }

  function responseOpen(op) {
    return '<m:' + op + 'Response xmlns:m="' + NS_M + '" xmlns:t="' + NS_T + '"><m:ResponseMessages>';
  }

  function responseClose(op) {
    return "</m:ResponseMessages></m:" + op + "Response>";
  }

  function errorMessage(op, code, text) {
    return (
      "<m:" +
      op +
      'ResponseMessage ResponseClass="Error">' +
      "<m:MessageText>" +
      xmlEscape(text) +
      "</m:MessageText>" +
      "<m:ResponseCode>" +
      code +
      "</m:ResponseCode>" +
      "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>" +
      "<m:Items/>" +
      "</m:" +
      op +
      "ResponseMessage>"
    );
  }

  function extendedFieldUri(propertySetId, name) {
    return (
      '<t:ExtendedFieldURI PropertySetId="' +
      xmlEscape(propertySetId) +
      '" PropertyName="' +
      xmlEscape(name) +
      '" PropertyType="String"/>'
    );
  }

  function getItem(operation) {
    var op = "GetItem";
    var shape = child(operation, NS_M, "ItemShape");
    var additional = child(shape, NS_T, "AdditionalProperties");
    var wanted = children(additional, NS_T, "ExtendedFieldURI");
    var ids = children(child(operation, NS_M, "ItemIds"), NS_T, "ItemId");
    var messages = ids.map(function (idElement) {
      var id = idElement.getAttribute("Id");
      var entry = settings.itemStore[id];
      if (!entry) {
        return errorMessage(
          op,
          "ErrorItemNotFound",
          "The specified object was not found in the store."
        );
      }
      var properties = "";
      wanted.forEach(function (uri) {
        var setId = uri.getAttribute("PropertySetId");
        var name = uri.getAttribute("PropertyName");
        entry.extendedProperties
          .filter(function (p) {
            return setId && sameProperty(p, setId, name);
          })
          .forEach(function (p) {
            properties +=
              "<t:ExtendedProperty>" +
              extendedFieldUri(p.propertySetId, p.name) +
              "<t:Value>" +
              xmlEscape(p.value) +
              "</t:Value></t:ExtendedProperty>";
          });
      });
      return (
        '<m:GetItemResponseMessage ResponseClass="Success">' +
        "<m:ResponseCode>NoError</m:ResponseCode>" +
        "<m:Items><t:Message>" +
        '<t:ItemId Id="' +
        xmlEscape(id) +
        '" ChangeKey="' +
        xmlEscape(entry.changeKey) +
        '"/>' +
        properties +
        "</t:Message></m:Items>" +
        "</m:GetItemResponseMessage>"
      );
    });
    return envelope(responseOpen(op) + messages.join("") + responseClose(op));
  }

  function updateItem(operation) {
    var op = "UpdateItem";
    var conflict = operation.getAttribute("ConflictResolution") || "AutoResolve";
    var changes = children(child(operation, NS_M, "ItemChanges"), NS_T, "ItemChange");
    var messages = changes.map(function (change) {
      var idElement = child(change, NS_T, "ItemId");
      var id = idElement && idElement.getAttribute("Id");
      var entry = id && settings.itemStore[id];
      if (!entry) {
        return errorMessage(
          op,
          "ErrorItemNotFound",
          "The specified object was not found in the store."
        );
      }
      var changeKey = idElement.getAttribute("ChangeKey");
      if (conflict === "NeverOverwrite" && changeKey && changeKey !== entry.changeKey) {
        return errorMessage(
          op,
          "ErrorIrresolvableConflict",
          "The send or update operation could not be performed because the change key passed" +
            " in the request does not match the current change key for the item."
        );
      }
      var updates = child(change, NS_T, "Updates");
      var sets = children(updates, NS_T, "SetItemField");
      for (var i = 0; i < sets.length; i++) {
        var uri = child(sets[i], NS_T, "ExtendedFieldURI");
        var message = child(sets[i], NS_T, "Message");
        var property = child(message, NS_T, "ExtendedProperty");
        var valueElement = child(property, NS_T, "Value");
        if (!uri || !property || !valueElement) {
          return errorMessage(
            op,
            "ErrorInvalidPropertySet",
            "SetItemField needs an ExtendedFieldURI and a Message/ExtendedProperty/Value."
          );
        }
        var innerUri = child(property, NS_T, "ExtendedFieldURI");
        var setId = uri.getAttribute("PropertySetId");
        var name = uri.getAttribute("PropertyName");
        if (
          !setId ||
          !name ||
          !innerUri ||
          innerUri.getAttribute("PropertySetId") !== setId ||
          innerUri.getAttribute("PropertyName") !== name
        ) {
          return errorMessage(
            op,
            "ErrorInvalidPropertyRequest",
            "The property in SetItemField does not match the property being set."
          );
        }
        var value = valueElement.textContent;
        var existingProperty = entry.extendedProperties.filter(function (p) {
          return sameProperty(p, setId, name);
        })[0];
        if (existingProperty) {
          existingProperty.value = value;
        } else {
          entry.extendedProperties.push({ propertySetId: setId, name: name, value: value });
        }
      }
      entry.changeKey = newChangeKey();
      return (
        '<m:UpdateItemResponseMessage ResponseClass="Success">' +
        "<m:ResponseCode>NoError</m:ResponseCode>" +
        "<m:Items><t:Message>" +
        '<t:ItemId Id="' +
        xmlEscape(id) +
        '" ChangeKey="' +
        xmlEscape(entry.changeKey) +
        '"/>' +
        "</t:Message></m:Items>" +
        "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>" +
        "</m:UpdateItemResponseMessage>"
      );
    });
    return envelope(responseOpen(op) + messages.join("") + responseClose(op));
  }

  function ewsFails(op) {
    var fail = settings.ewsFail;
    return fail === true || (Array.isArray(fail) && fail.indexOf(op) >= 0);
  }

  function makeEwsRequestAsync(data, callback, userContext) {
    var asyncContext = userContext;
    var reply = typeof callback === "function" ? callback : function () {};
    settings.ewsRequests.push(String(data));
    var result;
    var doc = new DOMParser().parseFromString(String(data), "application/xml");
    var body = doc.getElementsByTagNameNS(NS_SOAP, "Body")[0];
    var operation = firstChildElement(body);
    if (doc.getElementsByTagName("parsererror").length > 0 || !operation) {
      result = failed(9020, "GenericResponseError", "The request is not a SOAP envelope.", asyncContext);
    } else if (ewsFails(operation.localName)) {
      result = failed(9020, "GenericResponseError", "The Exchange server could not be reached.", asyncContext);
    } else if (operation.namespaceURI === NS_M && operation.localName === "GetItem") {
      result = succeeded(getItem(operation), asyncContext);
    } else if (operation.namespaceURI === NS_M && operation.localName === "UpdateItem") {
      result = succeeded(updateItem(operation), asyncContext);
    } else {
      var op = operation.localName;
      result = succeeded(
        envelope(
          responseOpen(op) +
            errorMessage(op, "ErrorInvalidRequest", "The fake does not answer " + op + ".") +
            responseClose(op)
        ),
        asyncContext
      );
    }
    later(function () {
      reply(result);
    });
  }

  // ---- tokens ----------------------------------------------------------------------------

  function getUserIdentityTokenAsync(first, second) {
    var args = callArgs(first, second);
    var error = settings.identityTokenError;
    var result = error
      ? failed(9018, "GenericTokenError", String(error), args.asyncContext)
      : succeeded(String(settings.identityToken || ""), args.asyncContext);
    later(function () {
      args.callback(result);
    });
  }

  function getCallbackTokenAsync(first, second) {
    var args = callArgs(first, second);
    var error = settings.callbackTokenError;
    var result = error
      ? failed(9018, "GenericTokenError", String(error), args.asyncContext)
      : succeeded(String(settings.callbackToken || ""), args.asyncContext);
    later(function () {
      args.callback(result);
    });
  }

  function addHandlerAsync(eventType, handler, first, second) {
    var args = callArgs(first, second);
    var result;
    if (eventType === EventType.ItemChanged && typeof handler === "function") {
      itemChangedHandlers.push(handler);
      result = succeeded(undefined, args.asyncContext);
    } else {
      result = failed(5001, "Internal Error", "Unsupported event " + eventType, args.asyncContext);
    }
    later(function () {
      args.callback(result);
    });
  }

  // ---- dialogs ---------------------------------------------------------------------------

  function displayDialogAsync(url, first, second) {
    var args = callArgs(first, second);
    var record = { url: String(url), open: false };
    settings.dialogs.push(record);
    var target;
    try {
      target = new URL(String(url), location.href);
    } catch (e) {
      target = null;
    }
    if (!target || target.protocol !== location.protocol) {
      later(function () {
        args.callback(failed(12003, "Display Dialog Error", "The dialog URL is not allowed.", args.asyncContext));
      });
      return;
    }
    // Opened right here, inside the click that called us, so the pop-up is allowed.
    var win = window.open(target.href, "mailbridge-dialog", "popup,width=480,height=640");
    if (!win) {
      later(function () {
        args.callback(
          failed(12009, "Display Dialog Error", "The browser blocked the dialog.", args.asyncContext)
        );
      });
      return;
    }
    record.open = true;
    var handlers = {};
    var closedByAddin = false;
    var finished = false;

    function fire(type, arg) {
      (handlers[type] || []).slice().forEach(function (handler) {
        later(function () {
          handler(arg);
        });
      });
    }

    function stop() {
      finished = true;
      record.open = false;
      clearInterval(poll);
      window.removeEventListener("message", onMessage);
    }

    function onMessage(event) {
      if (finished || event.source !== win || event.origin !== target.origin) {
        return;
      }
      if (event.data === "mailbridge:linked") {
        fire(EventType.DialogMessageReceived, {
          type: EventType.DialogMessageReceived,
          message: "linked",
          origin: event.origin,
        });
      }
    }

    var poll = setInterval(function () {
      if (!finished && win.closed) {
        stop();
        if (!closedByAddin) {
          fire(EventType.DialogEventReceived, { type: EventType.DialogEventReceived, error: 12006 });
        }
      }
    }, 200);
    window.addEventListener("message", onMessage);

    var dialog = Object.freeze({
      addEventHandler: function (type, handler) {
        if (typeof handler === "function") {
          (handlers[type] = handlers[type] || []).push(handler);
        }
      },
      close: function () {
        closedByAddin = true;
        stop();
        try {
          win.close();
        } catch (e) {
          // already gone
        }
      },
      messageChild: function () {},
    });
    later(function () {
      args.callback(succeeded(dialog, args.asyncContext));
    });
  }

  // ---- Office ----------------------------------------------------------------------------

  var userProfile = Object.freeze({
    emailAddress: String((settings.userProfile && settings.userProfile.emailAddress) || ""),
    displayName: String((settings.userProfile && settings.userProfile.displayName) || ""),
    timeZone: "UTC",
    accountType: "enterprise",
  });

  var mailbox = {};
  Object.defineProperties(mailbox, {
    item: { enumerable: true, get: function () { return currentItem; } },
    ewsUrl: { enumerable: true, get: function () { return String(settings.ewsUrl || ""); } },
    restUrl: { enumerable: true, get: function () { return settings.restUrl || null; } },
  });
  mailbox.userProfile = userProfile;
  mailbox.diagnostics = Object.freeze({
    hostName: "Outlook",
    hostVersion: "16.0.0.0",
    OWAView: null,
    ews: online
      ? Object.freeze({
          getTokenStatusAsync: function (first, second) {
            var args = callArgs(first, second);
            var status = online.tokenStatus == null ? 0 : Number(online.tokenStatus);
            later(function () {
              args.callback(succeeded(status, args.asyncContext));
            });
          },
        })
      : undefined,
  });
  mailbox.getUserIdentityTokenAsync = getUserIdentityTokenAsync;
  mailbox.getCallbackTokenAsync = getCallbackTokenAsync;
  mailbox.makeEwsRequestAsync = makeEwsRequestAsync;
  mailbox.addHandlerAsync = addHandlerAsync;
  mailbox.convertToEwsId = function (id) {
    return id;
  };
  // EWS ids are base64; REST ids are the same bytes in base64url.
  mailbox.convertToRestId = function (id) {
    return String(id).replace(/\//g, "-").replace(/\+/g, "_");
  };
  Object.freeze(mailbox);

  var context = Object.freeze({
    mailbox: mailbox,
    ui: Object.freeze({
      displayDialogAsync: displayDialogAsync,
      messageParent: function () {
        throw new Error("messageParent is only available inside a dialog");
      },
    }),
    requirements: Object.freeze({
      isSetSupported: function (name, version) {
        if (online && name === "NestedAppAuth") {
          return Number(version || "1.1") <= 1.1;
        }
        return name === "Mailbox" && Number(version || "1.1") <= (online ? 1.16 : 1.5);
      },
    }),
    diagnostics: Object.freeze({ host: "Outlook", platform: "PC", version: "16.0.0.0" }),
    host: "Outlook",
    platform: "PC",
  });

  var readyInfo = Object.freeze({ host: "Outlook", platform: "PC" });
  var ready = new Promise(function (resolve) {
    later(function () {
      resolve(readyInfo);
    });
  });

  var Office = Object.freeze({
    onReady: function (callback) {
      if (typeof callback === "function") {
        ready.then(function (info) {
          callback(info);
        });
      }
      return ready;
    },
    AsyncResultStatus: AsyncResultStatus,
    CoercionType: CoercionType,
    EventType: EventType,
    HostType: Object.freeze({ Outlook: "Outlook" }),
    MailboxEnums: Object.freeze({
      RestVersion: Object.freeze({ v2_0: "v2.0", v1_0: "v1.0" }),
      AttachmentType: Object.freeze({ File: "file", Item: "item", Cloud: "cloud" }),
      AttachmentContentFormat: Object.freeze({
        Base64: "base64",
        Url: "url",
        Eml: "eml",
        ICalendar: "iCalendar",
      }),
    }),
    PlatformType: Object.freeze({ PC: "PC", OfficeOnline: "OfficeOnline", Mac: "Mac" }),
    context: context,
  });

  Object.defineProperty(window, "Office", {
    value: Office,
    writable: false,
    configurable: false,
    enumerable: true,
  });

  // ---- MSAL (nested app authentication) -----------------------------------------------------

  if (online) {
    var fakeMsal = Object.freeze({
      createNestablePublicClientApplication: function (config) {
        var clientId = config && config.auth && config.auth.clientId;
        function token(how) {
          return function (request) {
            settings.naaRequests.push({
              clientId: clientId,
              scopes: (request && request.scopes) || [],
              how: how,
            });
            return Promise.resolve({ accessToken: String(online.accessToken || "") });
          };
        }
        return Promise.resolve(
          Object.freeze({ acquireTokenSilent: token("silent"), acquireTokenPopup: token("popup") })
        );
      },
    });
    // The real msal-browser.min.js loads after this; it must not replace the fake.
    Object.defineProperty(window, "msal", {
      value: fakeMsal,
      writable: false,
      configurable: false,
      enumerable: true,
    });
  }
})();
