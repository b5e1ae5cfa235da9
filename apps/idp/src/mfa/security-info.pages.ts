import { card, confirmLink, html, type SafeHtml, table } from '@federa/kit';
import { formatTime } from '../http/inputs.ts';
import type { AuthenticationMethod } from './methods.repository.ts';

const KIND_LABELS: Record<AuthenticationMethod['kind'], string> = {
  totp: 'Authenticator app (verification code)',
  passkey: 'Passkey',
};

export function securityInfoBody(options: {
  methods: readonly AuthenticationMethod[];
  canAdd: boolean;
  message: string | null;
  /** The "Add a passkey" action (mfa/passkeys/), when the user may add one. */
  addPasskey?: SafeHtml | null;
}): SafeHtml {
  return html`${options.message ? html`<p class="flash flash-success" role="status">${options.message}</p>` : null}
<p>These are the methods you use to sign in to your account or reset your password.</p>
${card(
  'Sign-in methods',
  html`${table(
    ['Method', 'Name', 'Added', 'Last used', ''],
    options.methods.map((m) => [
      KIND_LABELS[m.kind],
      m.displayName,
      formatTime(m.createdAt),
      m.lastUsedAt ? formatTime(m.lastUsedAt) : 'Never',
      confirmLink(`/myapps/security-info/${m.id}/remove`, 'Delete', {
        kind: 'secondary',
        ariaLabel: `Delete ${m.displayName}`,
      }),
    ]),
    'You have no sign-in methods besides your password. Add an authenticator app to keep your account secure.',
  )}
${
  options.canAdd
    ? html`<div class="actions"><a class="button" href="/myapps/security-info/add">Add sign-in method</a></div>`
    : html`<p class="hint">You have the most authenticator apps allowed (5). Delete one to add another.</p>`
}${options.addPasskey ?? null}`,
)}
<p><a href="/myapps">Back to My Apps</a></p>`;
}

export { KIND_LABELS };
