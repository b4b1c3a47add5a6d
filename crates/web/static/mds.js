// Progressive enhancement only: every page works without this script.
// - Moves the focus to the first error message of the page, or else to the confirmation of
//   an action, so it is read at once.
// - Disables a form's submit buttons once it is sent (no double submission).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // An error first; otherwise the confirmation of what was just done (and how to undo it).
    var message = document.querySelector("main .error") || document.querySelector("main .notice");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
    document.querySelectorAll("form[method='post']").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type='submit']").forEach(function (b) {
            b.disabled = true;
          });
        }, 0);
      });
    });
  });
})();
