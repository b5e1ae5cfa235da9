import { facts, field, hiddenCsrf, html, type SafeHtml } from '@federa/kit';

export interface LoginFormOptions {
  action: string;
  csrf: string;
  tenantName: string | null;
  appName: string | null;
  flow: string | null;
  returnTo: string | null;
  userName?: string;
  error?: { text: string; code: string; requestId: string; correlationId: string; timestamp: string } | null;
}

/**
 * Entra's "Forgot my password": self-service password reset for this tenant (password-reset/),
 * carrying the waiting sign-in or return path so that the user comes back to it.
 */
function forgotPasswordHref(options: LoginFormOptions): string {
  const base = options.action.replace(/\/login$/, '/passwordreset');
  if (options.flow) return `${base}?flow=${encodeURIComponent(options.flow)}`;
  return options.returnTo ? `${base}?return=${encodeURIComponent(options.returnTo)}` : base;
}

/** The sign-in page: user name and password, in the manner of Entra's. */
export function loginForm(options: LoginFormOptions): SafeHtml {
  const error = options.error ?? null;
  return html`<section class="card signin" aria-labelledby="signin-title">
<p id="signin-title" class="lead">${options.tenantName ? `Sign in to ${options.tenantName}` : 'Sign in with your work account'}${
    options.appName ? html`<br><span class="hint">to continue to ${options.appName}</span>` : null
  }</p>
<form method="post" action="${options.action}" novalidate>
${hiddenCsrf(options.csrf)}
${options.flow ? html`<input type="hidden" name="flow" value="${options.flow}">` : null}
${options.returnTo ? html`<input type="hidden" name="return" value="${options.returnTo}">` : null}
${field({ label: 'User name', name: 'username', type: 'email', value: options.userName ?? '', required: true, autocomplete: 'username', placeholder: 'someone@contoso.com', hint: 'Your user principal name, such as B.Simon@contoso.com.' })}
${field({ label: 'Password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', error: error ? error.text : null })}
<p><a href="${forgotPasswordHref(options)}">Forgot my password</a></p>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
${
  error
    ? html`<details class="troubleshooting"><summary>Troubleshooting details</summary>${facts([
        ['Error code', error.code],
        ['Request Id', error.requestId],
        ['Correlation Id', error.correlationId],
        ['Timestamp', error.timestamp],
      ])}</details>`
    : null
}
</section>`;
}
