/*
 * webauthn.js: passkeys and security keys for Gatehouse's pages. It is the only script the portal
 * serves (at /static/webauthn.js, under script-src 'self'): no library, no build step, no inline
 * script anywhere. Everything it does is asked for by markup:
 *
 *   <form method="post" data-webauthn="register" data-options='{creation options JSON}'>
 *     <input type="hidden" name="credential"> <p data-webauthn-error></p> <button>Add</button>
 *   </form>
 *   <form method="post" data-webauthn="authenticate" data-options='{request options JSON}'
 *         [data-webauthn-conditional]>  (same hidden input and error element)
 *
 * On submit it runs navigator.credentials.create() or .get() with the options, puts the JSON of
 * the result (PublicKeyCredential.toJSON(), WebAuthn Level 3) into the hidden "credential" input
 * and submits the form; on failure it shows a message in [data-webauthn-error] and submits nothing.
 * A form with data-webauthn-conditional also starts a conditional ("autofill") request on load when
 * the browser offers one, for an input with autocomplete="username webauthn"; pressing the form's
 * button cancels it and asks modally instead. Elements marked data-webauthn-only are sent hidden
 * and shown only where WebAuthn works; everything else keeps working without this script.
 */
(function () {
  "use strict";

  var supported =
    typeof window.PublicKeyCredential === "function" &&
    !!navigator.credentials &&
    typeof navigator.credentials.create === "function";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var out = { type: d.type, id: toBytes(d.id) };
      if (d.transports) out.transports = d.transports;
      return out;
    });
  }

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    if (json.allowCredentials) options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  /* RegistrationResponseJSON / AuthenticationResponseJSON, as toJSON() would give them. */
  function credentialJson(credential) {
    if (typeof credential.toJSON === "function") {
      try {
        return JSON.stringify(credential.toJSON());
      } catch (ignored) {
        /* Some password-manager extensions replace the credential with one whose toJSON throws. */
      }
    }
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
      if (typeof r.getAuthenticatorData === "function") {
        response.authenticatorData = toBase64url(r.getAuthenticatorData());
      }
      var publicKey = typeof r.getPublicKey === "function" ? r.getPublicKey() : null;
      if (publicKey) response.publicKey = toBase64url(publicKey);
      if (typeof r.getPublicKeyAlgorithm === "function") {
        response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
      }
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      type: credential.type,
    });
  }

  function messageFor(error, kind) {
    switch (error && error.name) {
      case "NotAllowedError":
        return "The request was cancelled or timed out. Please try again.";
      case "InvalidStateError":
        return kind === "register"
          ? "This authenticator is already registered for your account."
          : "This authenticator cannot be used here.";
      case "SecurityError":
        return "Passkeys are not allowed on this address.";
      case "NotSupportedError":
        return "This authenticator does not support what is asked.";
      default:
        return (error && error.message) || "Something went wrong. Please try again.";
    }
  }

  function showError(form, text) {
    var target = form.querySelector("[data-webauthn-error]");
    if (target) {
      target.textContent = text;
      target.hidden = !text;
    }
  }

  function finish(form, credential) {
    form.querySelector('input[name="credential"]').value = credentialJson(credential);
    form.submit();
  }

  function setUp(form) {
    var kind = form.getAttribute("data-webauthn");
    var options;
    try {
      options = JSON.parse(form.getAttribute("data-options"));
    } catch (e) {
      showError(form, "This page is missing its passkey options. Please reload it.");
      return;
    }
    var conditional = null; /* the AbortController of a running conditional request */
    var settled = Promise.resolve(); /* resolves once no conditional request is pending */
    var busy = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      if (!supported) {
        showError(form, "This browser does not support passkeys.");
        return;
      }
      if (conditional) {
        conditional.abort();
        conditional = null;
      }
      busy = true;
      showError(form, "");
      /* Browsers refuse a second request while the aborted one has not settled yet. */
      settled
        .then(function () {
          return kind === "register"
            ? navigator.credentials.create({ publicKey: creationOptions(options) })
            : navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(
          function (credential) {
            finish(form, credential);
          },
          function (error) {
            busy = false;
            showError(form, messageFor(error, kind));
          }
        );
    });

    if (kind === "authenticate" && form.hasAttribute("data-webauthn-conditional") && supported) {
      var available = PublicKeyCredential.isConditionalMediationAvailable;
      if (typeof available !== "function") return;
      available.call(PublicKeyCredential).then(function (yes) {
        if (!yes || busy) return;
        conditional = new AbortController();
        var request = navigator.credentials.get({
          publicKey: requestOptions(options),
          mediation: "conditional",
          signal: conditional.signal,
        });
        settled = request.then(
          function () {},
          function () {}
        );
        request.then(
          function (credential) {
            if (busy) return; /* a modal request took over */
            conditional = null;
            busy = true;
            finish(form, credential);
          },
          function () {
            /* Aborted for a modal request, dismissed, timed out, or rejected for want of a passkey
               (as Chrome's virtual authenticators do at once): nothing the person asked for
               failed, so nothing is shown; the button still works and says what went wrong. */
          }
        );
      }).catch(function () {});
    }
  }

  function start() {
    // Passkey controls ship hidden, so that a browser without this script or without WebAuthn
    // never shows a button that cannot work; they appear only where they can.
    var only = document.querySelectorAll("[data-webauthn-only]");
    for (var i = 0; i < only.length; i++) only[i].hidden = !supported;
    var forms = document.querySelectorAll("form[data-webauthn]");
    for (var j = 0; j < forms.length; j++) setUp(forms[j]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
