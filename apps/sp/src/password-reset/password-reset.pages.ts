import { card, field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import type { FieldErrors } from '../validation.ts';

export function recoverBody(input: { csrf: string; email: string; errors: FieldErrors }): SafeHtml {
  return html`${card(
    'Reset your password',
    html`<p>Enter the email address of your Workspace account. We mail it a link to choose a new password.</p>
<form method="post" action="/account/recover/" novalidate>
${hiddenCsrf(input.csrf)}
${field({ label: 'Email', name: 'email', type: 'email', value: input.email, error: input.errors.email, required: true, autocomplete: 'username' })}
<div class="actions"><button type="submit">Send the link</button></div>
</form>`,
  )}
<p>Signed in through your organization’s identity provider? Your password is there: ask your IT administrator. <a href="/auth/login/">Back to sign in</a>.</p>`;
}

export function recoverSentBody(email: string): SafeHtml {
  return card(
    null,
    html`<p role="status">If <strong>${email}</strong> is the address of a Workspace account, a link to reset its password is on its way. It works once, within an hour.</p>
<div class="actions"><a class="button secondary" href="/auth/login/">Back to sign in</a></div>`,
  );
}

export function newPasswordBody(input: {
  csrf: string;
  action: string;
  email: string;
  errors: FieldErrors;
}): SafeHtml {
  return card(
    `New password for ${input.email}`,
    html`<form method="post" action="${input.action}" novalidate>
${hiddenCsrf(input.csrf)}
<input type="text" name="username" value="${input.email}" autocomplete="username" hidden>
${field({ label: 'New password', name: 'password', type: 'password', error: input.errors.password, required: true, autocomplete: 'new-password', hint: 'At least 10 characters. Every other browser signed in to this account is signed out.' })}
<div class="actions"><button type="submit">Set the password</button></div>
</form>`,
  );
}
