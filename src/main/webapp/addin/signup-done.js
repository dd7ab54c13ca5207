/*
 * Runs on the "account linked" page that the sign-up dialog ends on: tells the task pane that
 * opened it, so the pane can close the dialog and sign in again.
 * Inside Outlook the page is an Office dialog (Office.context.ui.messageParent); in a plain
 * browser window (tests, or a pop-up) it was opened with window.open (postMessage to the opener).
 */
(function () {
  "use strict";

  var sent = false;

  function viaOpener() {
    if (sent) {
      return;
    }
    try {
      if (window.opener && !window.opener.closed) {
        window.opener.postMessage("mailbridge:linked", location.origin);
        sent = true;
      }
    } catch (e) {
      // the opener is gone or is another site's window: nothing to tell
    }
  }

  function viaOffice() {
    try {
      Office.onReady(function () {
        try {
          if (Office.context && Office.context.ui && typeof Office.context.ui.messageParent === "function") {
            Office.context.ui.messageParent("linked");
            sent = true;
            return;
          }
        } catch (e) {
          // not inside an Office dialog after all
        }
        viaOpener();
      });
      return true;
    } catch (e) {
      return false;
    }
  }

  if (!(window.Office && typeof Office.onReady === "function" && viaOffice())) {
    viaOpener();
  }
})();
