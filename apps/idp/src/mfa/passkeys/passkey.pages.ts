import { field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import { type Common, cancelForm, heading } from '../../signin/mfa.pages.ts';
import { MAX_NAME_LENGTH, MAX_PASSKEYS, type PasskeyRefusal } from './passkey.service.ts';

/** The two scripts a passkey form needs, both from this server (CSP `script-src 'self'`). */
const SCRIPTS = html`<script src="/assets/webauthn.js" defer></script><script src="/assets/passkey.js" defer></script>`;

/** What the user is told when a ceremony is refused (the code goes to the sign-in log). */
export const REFUSAL_TEXT: Record<PasskeyRefusal, string> = {
  CHALLENGE_MISSING: 'This passkey request is no longer valid. Try again.',
  CHALLENGE_EXPIRED: 'The passkey request timed out after 5 minutes. Try again.',
  RESPONSE_MALFORMED:
    'Your browser did not send a passkey. Passkeys need JavaScript; allow it for this site and try again.',
  CEREMONY_INVALID: 'The passkey could not be verified. Try again.',
  CREDENTIAL_UNKNOWN: 'That passkey is not registered for your account. Choose another one.',
  CREDENTIAL_ALREADY_REGISTERED: 'That passkey is already registered.',
  COUNTER_REGRESSED:
    'This passkey was refused because it may have been copied. Sign in another way and contact your administrator.',
  NAME_INVALID: `Give the passkey a name of 1 to ${MAX_NAME_LENGTH} characters.`,
  LIMIT_REACHED: `You have the most passkeys allowed (${MAX_PASSKEYS}). Delete one to add another.`,
};

/**
 * A form that runs a WebAuthn ceremony: passkey.js reads the options from `data-options`, asks the
 * authenticator, and posts the answer in `response`.
 */
export function ceremonyForm(options: {
  purpose: 'register' | 'authenticate';
  action: string;
  csrf: string;
  optionsJson: string;
  button: string;
  fields?: SafeHtml;
  /** Why the last attempt was refused (its code on the element, for support and tests). */
  refusal?: PasskeyRefusal | null;
  cancelHref?: string;
}): SafeHtml {
  return html`<form method="post" action="${options.action}" data-passkey="${options.purpose}" data-options="${options.optionsJson}">
${hiddenCsrf(options.csrf)}
<input type="hidden" name="response" value="">
${options.fields ?? null}
${options.refusal ? html`<p class="error" role="alert" data-code="${options.refusal}">${REFUSAL_TEXT[options.refusal]}</p>` : null}
<p class="hint" data-passkey-status role="status"></p>
<div class="actions"><button type="submit">${options.button}</button>${options.cancelHref ? html` <a class="button secondary" href="${options.cancelHref}">Cancel</a>` : null}</div>
</form>
${SCRIPTS}`;
}

const nameField = (value: string, error: string | null) =>
  field({
    label: 'Passkey name',
    name: 'name',
    required: true,
    value,
    hint: 'A name that tells you which device or key this is, e.g. “Work laptop” or “YubiKey”.',
    error,
  });

/** Security info › Add a passkey. */
export function addPasskeyBody(options: {
  action: string;
  csrf: string;
  optionsJson: string;
  name: string;
  nameError: string | null;
  refusal: PasskeyRefusal | null;
}): SafeHtml {
  return html`<section class="card" aria-labelledby="passkey-title">
<h2 id="passkey-title">Add a passkey</h2>
<p>A passkey signs you in with your device’s screen lock (face, fingerprint or PIN) or a security key. It works only on this site, so it cannot be phished.</p>
${ceremonyForm({
  purpose: 'register',
  action: options.action,
  csrf: options.csrf,
  optionsJson: options.optionsJson,
  button: 'Create passkey',
  fields: nameField(options.name, options.nameError),
  refusal: options.refusal,
  cancelHref: '/myapps/security-info',
})}
</section>`;
}

/** Security info › Add a passkey, for a user with no second factor to prove first. */
export function passkeyNeedsMfaBody(): SafeHtml {
  return html`<section class="card" aria-labelledby="passkey-title">
<h2 id="passkey-title">Add a passkey</h2>
<p>Adding a passkey needs a sign-in with multifactor authentication in the last 5 minutes. Add an authenticator app first; you will then be able to add a passkey.</p>
<div class="actions"><a class="button" href="/myapps/security-info/add">Add an authenticator app</a> <a class="button secondary" href="/myapps/security-info">Back to Security info</a></div>
</section>`;
}

/** The MFA step with a passkey: "Use your passkey". */
export function passkeyChallenge(
  c: Common & { optionsJson: string; otherWays: boolean; refusal?: PasskeyRefusal | null },
): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">Use your passkey</h2>
<p>Use your face, fingerprint, PIN or security key to sign in.</p>
${ceremonyForm({
  purpose: 'authenticate',
  action: `${c.base}/passkey`,
  csrf: c.csrf,
  optionsJson: c.optionsJson,
  button: 'Sign in with a passkey',
  refusal: c.refusal ?? null,
})}
<p>${c.otherWays ? html`<a href="${c.base}?choose=1">Sign in another way</a>` : null}</p>
<div class="actions">${cancelForm(c)}</div>
</section>`;
}

/** The registration interrupt when only a passkey satisfies the sign-in (phishing-resistant MFA). */
export function passkeyRegistrationInterrupt(
  c: Common & {
    optionsJson: string;
    name: string;
    nameError: string | null;
    refusal: PasskeyRefusal | null;
  },
): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">Keep your account secure</h2>
<p>Your organization requires a passkey (phishing-resistant authentication) to sign in here. Create one now; you will then sign in with it.</p>
${ceremonyForm({
  purpose: 'register',
  action: `${c.base}/passkey/register`,
  csrf: c.csrf,
  optionsJson: c.optionsJson,
  button: 'Create passkey',
  fields: nameField(c.name, c.nameError),
  refusal: c.refusal,
})}
<div class="actions">${cancelForm(c)}</div>
</section>`;
}

/** Security info's "Add a passkey" button, under the methods table (hidden at the limit). */
export function addPasskeyAction(methods: ReadonlyArray<{ kind: string }>): SafeHtml {
  const count = methods.filter((m) => m.kind === 'passkey').length;
  return count < MAX_PASSKEYS
    ? html`<div class="actions"><a class="button secondary" href="/myapps/security-info/passkey">Add a passkey</a></div>`
    : html`<p class="hint">${REFUSAL_TEXT.LIMIT_REACHED}</p>`;
}

export const PASSKEY_REMOVAL_CONSEQUENCE =
  'Passkey: you will no longer be able to sign in with it. Also remove it from the device or password manager that keeps it.';
