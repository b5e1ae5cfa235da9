import { type HtmlValue, html } from '@federa/kit';
import type { SsoAttempt } from './attempts.repository.ts';
import { fixFor } from './fixes.ts';

/** The columns of the attempts table, in the order `attemptRows` fills them. */
export const ATTEMPT_COLUMNS = [
  'When',
  'Result',
  'Who',
  'Failed check',
  'What to do',
  'SAML ids',
  'Reference',
];

/** Who signed in: name and email as mapped, with the IdP's user id (what the identity is keyed on). */
function who(a: SsoAttempt): HtmlValue {
  const emailFrom =
    typeof a.detail?.emailFrom === 'string' && a.outcome === 'success' ? a.detail.emailFrom : null;
  return html`${a.subjectName ?? ''}${a.subjectEmail ? html`<br>${a.subjectEmail}` : null}${
    emailFrom ? html`<br><span class="hint">email from ${emailFrom} (no emailaddress claim)</span>` : null
  }${a.idpUserId ? html`<br><span class="hint">IdP user ${a.idpUserId}</span>` : null}`;
}

/**
 * The SAML ids, as the IdP's sign-in log shows them (Federa Directory: Sign-in logs; Entra: search by
 * the time and user): the way to follow one attempt across the two services.
 */
function samlIds(a: SsoAttempt): HtmlValue {
  const rows: Array<[string, string | null]> = [
    ['AuthnRequest', a.authnRequestId],
    ['Response', a.responseId],
    ['Assertion', a.assertionId],
  ];
  return html`${rows
    .filter(([, id]) => id)
    .map(([label, id]) => html`<span class="hint">${label}</span> <code>${id}</code><br>\n`)}`;
}

export function attemptRows(attempts: SsoAttempt[]): HtmlValue[][] {
  return attempts.map((a) => [
    a.createdAt.replace('T', ' ').slice(0, 19),
    a.outcome === 'success'
      ? html`<span class="badge ok">Signed in</span>`
      : html`<span class="badge bad">Failed</span> <code>${a.errorCode ?? ''}</code>`,
    who(a),
    a.outcome === 'success' ? '' : html`<code>${a.checkName}</code>`,
    a.outcome === 'success' ? '' : fixFor(a.errorCode, a.detail, a.message),
    samlIds(a),
    html`<code>${a.id}</code>`,
  ]);
}
