import { type HtmlValue, html } from '@federa/kit';
import type { SsoAttempt } from './attempts.repository.ts';
import { fixFor } from './fixes.ts';

export function attemptRows(attempts: SsoAttempt[]): HtmlValue[][] {
  return attempts.map((a) => [
    a.createdAt.replace('T', ' ').slice(0, 19),
    a.outcome === 'success'
      ? html`<span class="badge ok">Signed in</span>`
      : html`<span class="badge bad">Failed</span> <code>${a.errorCode ?? ''}</code>`,
    a.outcome === 'success' ? '' : html`<code>${a.checkName}</code>`,
    a.outcome === 'success'
      ? a.idpUserId
        ? `IdP user ${a.idpUserId}`
        : ''
      : fixFor(a.errorCode, a.detail, a.message),
    html`<code>${a.id}</code>`,
  ]);
}
