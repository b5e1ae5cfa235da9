// Federa Directory's passkey forms. A form marked data-passkey="register" or "authenticate" carries the
// WebAuthn options the server made (data-options, JSON); on submit this asks the browser's
// authenticator through @simplewebauthn/browser (served at /assets/webauthn.js), puts its answer in
// the form's "response" field and posts the form, so the CSRF token and the session do the rest.
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const status = form.querySelector('[data-passkey-status]');
    const say = (text) => {
      if (status) status.textContent = text;
    };
    if (!webauthn?.browserSupportsWebAuthn()) {
      say('This browser cannot use passkeys. Use another browser, or sign in another way.');
      continue;
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const optionsJSON = JSON.parse(form.dataset.options);
      const button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      say('Follow the instructions of your browser or security key…');
      try {
        const response =
          form.dataset.passkey === 'register'
            ? await webauthn.startRegistration({ optionsJSON })
            : await webauthn.startAuthentication({ optionsJSON });
        form.querySelector('input[name="response"]').value = JSON.stringify(response);
        // HTMLFormElement.submit() posts without firing this handler again.
        form.submit();
      } catch (error) {
        if (button) button.disabled = false;
        say(
          error && error.name === 'NotAllowedError'
            ? 'The passkey request was cancelled or timed out. Try again.'
            : 'Your browser could not use a passkey here. Try again, or sign in another way.',
        );
      }
    });
  }
})();
