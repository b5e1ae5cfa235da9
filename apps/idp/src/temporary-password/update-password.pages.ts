import { field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';

export interface UpdatePasswordOptions {
  /** `/{tenant}/update-password` */
  action: string;
  csrf: string;
  userName: string;
  appName: string | null;
  errors: { current?: string; next?: string; confirm?: string };
}

/** Entra's "Update your password": the temporary password, then the new one twice. */
export function updatePasswordForm(o: UpdatePasswordOptions): SafeHtml {
  return html`<section class="card signin update-password" aria-labelledby="update-password-title">
<p class="hint signin-user">${o.userName}</p>${o.appName ? html`<p class="hint">to continue to ${o.appName}</p>` : null}
<h2 id="update-password-title">Update your password</h2>
<p>You need to update your password because this is the first time you are signing in, or because your password has expired.</p>
<form method="post" action="${o.action}" novalidate>
${hiddenCsrf(o.csrf)}
<input type="text" name="username" value="${o.userName}" autocomplete="username" hidden>
${field({ label: 'Current password', name: 'currentPassword', type: 'password', required: true, autocomplete: 'current-password', error: o.errors.current ?? null })}
${field({ label: 'New password', name: 'newPassword', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 8 characters, using three of: lower-case letters, upper-case letters, digits, symbols; not your current password.', error: o.errors.next ?? null })}
${field({ label: 'Confirm password', name: 'confirmPassword', type: 'password', required: true, autocomplete: 'new-password', error: o.errors.confirm ?? null })}
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</section>`;
}
