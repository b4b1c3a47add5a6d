// Progressive enhancement only: every page works without this script.
// - Moves the focus to the first error message of the page, or else to the confirmation of
//   an action, so it is read at once.
// - Disables a form's submit buttons once it is sent (no double submission).
// - Passkeys (WebAuthn): a form with `data-passkey-create` (adding one) or `data-passkey-get`
//   (signing in) carries the server's options as JSON; on submit the browser's ceremony runs
//   and its answer, as JSON, fills the form's hidden `credential` field before the form is
//   sent. The sign-in's passkey form is hidden until this script shows it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // An error first; otherwise the confirmation of what was just done (and how to undo it).
    var message = document.querySelector("main .error") || document.querySelector("main .notice");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
    setUpPasskeys();
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

  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var bin = window.atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      bytes[i] = bin.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return window.btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      var copy = Object.assign({}, c);
      copy.id = fromB64url(c.id);
      return copy;
    });
  }

  // The answer of a ceremony, as the server reads it.
  function answer(credential) {
    var r = credential.response;
    var out = {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      extensions: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toB64url(r.userHandle);
      }
    }
    return JSON.stringify(out);
  }

  function setUpPasskeys() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      return;
    }
    document.querySelectorAll("form[data-passkey-create], form[data-passkey-get]").forEach(function (form) {
      var creating = form.hasAttribute("data-passkey-create");
      var hidden = form.closest("[hidden]");
      if (hidden) {
        hidden.hidden = false;
      }
      form.addEventListener("submit", function (event) {
        var field = form.querySelector("input[name='credential']");
        if (field.value) {
          return;
        }
        event.preventDefault();
        var options = JSON.parse(form.getAttribute(creating ? "data-passkey-create" : "data-passkey-get")).publicKey;
        options.challenge = fromB64url(options.challenge);
        var ceremony;
        if (creating) {
          options.user.id = fromB64url(options.user.id);
          options.excludeCredentials = withIds(options.excludeCredentials);
          ceremony = navigator.credentials.create({ publicKey: options });
        } else {
          options.allowCredentials = withIds(options.allowCredentials);
          ceremony = navigator.credentials.get({ publicKey: options });
        }
        var error = document.getElementById(form.getAttribute("data-passkey-error"));
        ceremony.then(function (credential) {
          field.value = answer(credential);
          form.submit();
        }).catch(function () {
          if (error) {
            error.hidden = false;
            error.setAttribute("tabindex", "-1");
            error.focus();
          }
          form.querySelectorAll("button[type='submit']").forEach(function (b) {
            b.disabled = false;
          });
        });
      });
    });
  }
})();
