import { field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import { formatTime } from '../http/inputs.ts';

export interface Common {
  /** `/{tenant}/mfa` */
  base: string;
  csrf: string;
  userName: string;
  appName: string | null;
}

export const heading = (c: Common) =>
  html`<p class="hint signin-user">${c.userName}</p>${c.appName ? html`<p class="hint">to continue to ${c.appName}</p>` : null}`;

export const cancelForm = (c: Common) =>
  html`<form method="post" action="${c.base}/cancel" class="inline">${hiddenCsrf(c.csrf)}<button type="submit" class="secondary">Cancel</button></form>`;

/** "Enter code": the second factor with an authenticator app, in Entra's words. */
export function codeChallenge(c: Common & { error?: string | null; otherWays: boolean }): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">Enter code</h2>
<p>Enter the code displayed in the authenticator app on your mobile device.</p>
<form method="post" action="${c.base}" novalidate>
${hiddenCsrf(c.csrf)}
<input type="hidden" name="method" value="totp">
${field({ label: 'Code', name: 'otc', required: true, autocomplete: 'one-time-code', placeholder: '123456', error: c.error ?? null })}
<div class="actions"><button type="submit">Verify</button></div>
</form>
<p>${c.otherWays ? html`<a href="${c.base}?choose=1">Sign in another way</a>` : null}</p>
<div class="actions">${cancelForm(c)}</div>
</section>`;
}

/** "Verify your identity": the registered methods, the strongest first. */
export function chooseMethod(
  c: Common & { methods: ReadonlyArray<{ href: string; label: string }> },
): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">Verify your identity</h2>
<ul class="method-list">${c.methods.map((m) => html`<li><a href="${m.href}">${m.label}</a></li>`)}</ul>
<div class="actions">${cancelForm(c)}</div>
</section>`;
}

/** "More information required": the user must register a method before going on. */
export function moreInformationRequired(c: Common & { skippableUntil: string | null }): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">More information required</h2>
<p>Your organization needs more information to keep your account secure.</p>
<div class="actions"><a class="button" href="${c.base}/register">Next</a></div>
${
  c.skippableUntil
    ? html`<form method="post" action="${c.base}/skip">${hiddenCsrf(c.csrf)}<p class="hint">You can skip this until ${formatTime(c.skippableUntil)}; after that, you will need to set it up to sign in.</p><button type="submit" class="secondary">Skip for now</button></form>`
    : null
}
<div class="actions">${cancelForm(c)}</div>
</section>`;
}

/** The registration step of the interrupt: "Keep your account secure", then the authenticator app. */
export function keepAccountSecure(c: Common, enrol: SafeHtml): SafeHtml {
  return html`<section class="card signin mfa" aria-labelledby="mfa-title">
${heading(c)}
<h2 id="mfa-title">Keep your account secure</h2>
<p>Your organization requires you to set up the following method of proving who you are: an authenticator app.</p>
</section>
${enrol}
<section class="card"><div class="actions">${cancelForm(c)}</div></section>`;
}
