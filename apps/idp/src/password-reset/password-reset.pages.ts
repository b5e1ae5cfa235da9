import { field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import { ceremonyForm } from '../mfa/passkeys/passkey.pages.ts';

// The pages of self-service password reset, in the manner of Entra's "Get back into your account"
// (passwordreset.microsoftonline.com): who are you → verify → choose a new password → done.

export interface ResetPageBase {
  /** `/{tenant}/passwordreset` */
  base: string;
  csrf: string;
}

/** Step 1: "Who are you?" (the user name). */
export function whoAreYou(
  c: ResetPageBase & {
    userName: string;
    signInFlow: string | null;
    returnTo: string | null;
    signInHref: string;
    error?: string | null;
  },
): SafeHtml {
  return html`<section class="card signin sspr" aria-labelledby="sspr-title">
<h2 id="sspr-title">Who are you?</h2>
<p>To recover your account, begin by entering your user name.</p>
<form method="post" action="${c.base}" novalidate>
${hiddenCsrf(c.csrf)}
${c.signInFlow ? html`<input type="hidden" name="flow" value="${c.signInFlow}">` : null}
${c.returnTo ? html`<input type="hidden" name="return" value="${c.returnTo}">` : null}
${field({ label: 'User name', name: 'username', type: 'email', value: c.userName, required: true, autocomplete: 'username', placeholder: 'someone@contoso.com', hint: 'Your user principal name, such as B.Simon@contoso.com.', error: c.error ?? null })}
<div class="actions"><button type="submit">Next</button> <a class="button secondary" href="${c.signInHref}">Cancel</a></div>
</form>
</section>`;
}

/**
 * Step 2, the same page for everyone: whether the user name can reset here is not said (no user
 * enumeration), so both ways are offered; only a user who may reset can pass.
 */
export function verifyIdentity(
  c: ResetPageBase & {
    flowId: string;
    userName: string;
    optionsJson: string;
    codeError?: string | null;
    passkeyError?: string | null;
  },
): SafeHtml {
  return html`<section class="card signin sspr" aria-labelledby="sspr-title">
<p class="hint signin-user">${c.userName}</p>
<h2 id="sspr-title">Verify your identity</h2>
<p class="hint">Verification step 1 &gt; choose a new password</p>
<p>If you can reset your password, prove it’s you with a method you registered on Security info: a code from your authenticator app, or a passkey. If you can’t, contact your administrator to reset your password.</p>
<form method="post" action="${c.base}/verify" novalidate>
${hiddenCsrf(c.csrf)}
<input type="hidden" name="rid" value="${c.flowId}">
${field({ label: 'Code', name: 'otc', required: true, autocomplete: 'one-time-code', placeholder: '123456', hint: 'Enter the code displayed in the authenticator app on your mobile device.', error: c.codeError ?? null })}
<div class="actions"><button type="submit">Next</button></div>
</form>
<h3>Or use a passkey</h3>
${ceremonyForm({
  purpose: 'authenticate',
  action: `${c.base}/passkey`,
  csrf: c.csrf,
  optionsJson: c.optionsJson,
  button: 'Use a passkey',
  fields: html`<input type="hidden" name="rid" value="${c.flowId}">${c.passkeyError ? html`<p class="error" role="alert">${c.passkeyError}</p>` : null}`,
})}
<p class="hint">Too many wrong codes lock the account for a while, as at sign-in.</p>
<p><a href="${c.base}">Start again</a></p>
</section>`;
}

/** Step 3: "Choose a new password". */
export function chooseNewPassword(
  c: ResetPageBase & {
    flowId: string;
    userName: string;
    errors?: { password?: string; confirm?: string };
  },
): SafeHtml {
  return html`<section class="card signin sspr" aria-labelledby="sspr-title">
<p class="hint signin-user">${c.userName}</p>
<h2 id="sspr-title">Choose a new password</h2>
<form method="post" action="${c.base}/new" novalidate>
${hiddenCsrf(c.csrf)}
<input type="hidden" name="rid" value="${c.flowId}">
${field({ label: 'Enter new password', name: 'password', type: 'password', required: true, autocomplete: 'new-password', hint: '8 to 256 characters, using three of: lower-case letters, upper-case letters, digits, symbols.', error: c.errors?.password ?? null })}
${field({ label: 'Confirm new password', name: 'confirm', type: 'password', required: true, autocomplete: 'new-password', error: c.errors?.confirm ?? null })}
<div class="actions"><button type="submit">Finish</button></div>
</form>
</section>`;
}

/** Done: the password is set; the user signs in with it (back to where they were). */
export function passwordReset(c: { signInHref: string }): SafeHtml {
  return html`<section class="card signin sspr" aria-labelledby="sspr-title">
<h2 id="sspr-title">Your password has been reset</h2>
<p>You were signed out everywhere you were signed in to Federa Directory. Sign in with your new password.</p>
<div class="actions"><a class="button" href="${c.signInHref}">Sign in</a></div>
</section>`;
}

/** The flow expired, was completed, or belongs to another reset. */
export function resetExpired(c: { base: string }): SafeHtml {
  return html`<section class="card signin sspr" aria-labelledby="sspr-title">
<h2 id="sspr-title">This reset has ended</h2>
<p>This password reset is no longer waiting (it lasts 10 minutes, ends once the password is set, and a new one started in this browser replaces it).</p>
<div class="actions"><a class="button" href="${c.base}">Start again</a></div>
</section>`;
}
