// Progressive enhancement only: every page works without this script.
// - Moves the focus to the first error message of the page, so it is read at once.
// - Disables a form's submit buttons once it is sent (no double submission).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var error = document.querySelector("main .error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
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
