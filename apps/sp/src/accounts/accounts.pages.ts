import { card, field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FieldErrors } from '../validation.ts';

export function signInForm(input: {
  csrf: string;
  next: string | null;
  email: string;
  errors: FieldErrors;
  action?: string;
  heading?: string;
}): SafeHtml {
  return card(
    input.heading ?? 'Sign in with your email',
    html`<form method="post" action="${input.action ?? '/auth/login/'}" novalidate>
${hiddenCsrf(input.csrf)}
${input.next ? html`<input type="hidden" name="next" value="${input.next}">` : null}
${input.errors.form ? html`<p class="error" role="alert">${input.errors.form}</p>` : null}
${field({ label: 'Email', name: 'email', type: 'email', value: input.email, error: input.errors.email, required: true, autocomplete: 'username' })}
${field({ label: 'Password', name: 'password', type: 'password', error: input.errors.password, required: true, autocomplete: 'current-password' })}
<div class="actions"><button type="submit">Sign in</button> <a href="/account/recover/">Lost your password?</a></div>
</form>`,
  );
}

export function signInBody(input: {
  csrf: string;
  next: string | null;
  email: string;
  errors: FieldErrors;
}): SafeHtml {
  return html`${signInForm(input)}
<p>No account yet? <a href="/auth/register/${input.next ? `?next=${encodeURIComponent(input.next)}` : ''}">Create an account</a>.</p>`;
}

export function signUpBody(input: {
  csrf: string;
  next: string | null;
  values: { name: string; email: string };
  errors: FieldErrors;
}): SafeHtml {
  return html`${card(
    'Create your account',
    html`<form method="post" action="/auth/register/" novalidate>
${hiddenCsrf(input.csrf)}
${input.next ? html`<input type="hidden" name="next" value="${input.next}">` : null}
${field({ label: 'Name', name: 'name', value: input.values.name, error: input.errors.name, required: true, autocomplete: 'name' })}
${field({ label: 'Email', name: 'email', type: 'email', value: input.values.email, error: input.errors.email, required: true, autocomplete: 'username' })}
${field({ label: 'Password', name: 'password', type: 'password', error: input.errors.password, required: true, autocomplete: 'new-password', hint: 'At least 10 characters.' })}
<div class="actions"><button type="submit">Create account</button></div>
</form>`,
  )}
<p>Already have an account? <a href="/auth/login/">Sign in</a>.</p>`;
}

/** The hop to the IdP's single logout: a refresh the page starts (with a link for when it does not). */
export function singleLogoutBody(idpUrl: string): SafeHtml {
  return html`<meta http-equiv="refresh" content="0;url=${idpUrl}">${card(
    null,
    html`<p role="status">You are signed out here. Signing you out of your identity provider too…</p>
<div class="actions"><a class="button" href="${idpUrl}">Continue to your identity provider</a></div>`,
  )}`;
}
