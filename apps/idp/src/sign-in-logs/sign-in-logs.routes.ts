import { card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { queryOf } from '../http/forms.ts';
import { formatTime, selectField } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { listSignInLogs, type SamlIds, type SignInResult } from './sign-in-logs.repository.ts';

const RESULTS: ReadonlyArray<{ value: SignInResult; label: string }> = [
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'interrupted', label: 'Interrupted' },
];

/** Graph's conditionalAccessStatus as Entra's sign-in log column shows it. */
const CA_STATUS: Record<string, string> = {
  success: 'Success',
  failure: 'Failure',
  notApplied: 'Not Applied',
};

/**
 * The attempt's SAML ids, which the SP's log shows too (Federa Workspace: Settings › Auth › SSO
 * sign-in attempts): how an admin follows one attempt across the two services.
 */
function samlIdsCell(ids: SamlIds) {
  const rows: Array<[string, string | null]> = [
    ['AuthnRequest', ids.authnRequestId],
    ['Response', ids.responseId],
    ['Assertion', ids.assertionId],
  ];
  return html`${rows
    .filter(([, id]) => id)
    .map(([label, id]) => html`<span class="hint">${label}</span> <code>${id}</code><br>\n`)}`;
}

/** GET `/portal/sign-ins`: every sign-in attempt in the tenant, newest first; filter by result. */
export async function signInLogsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const query = queryOf(request);
  const result = RESULTS.find((r) => r.value === query.result)?.value ?? null;
  const entries = await listSignInLogs(deps.db, admin.tenant.id, {
    result,
    userId: query.user || null,
    applicationId: query.app || null,
  });
  const body = html`<form method="get" action="/portal/sign-ins" class="filters">
${selectField({ label: 'Status', name: 'result', choices: RESULTS, value: result, placeholder: 'All' })}
${query.user ? html`<input type="hidden" name="user" value="${query.user}">` : null}
${query.app ? html`<input type="hidden" name="app" value="${query.app}">` : null}
<button type="submit" class="secondary">Apply</button>
</form>
${card(
  null,
  table(
    [
      'Date',
      'User',
      'Application',
      'Status',
      'Conditional Access',
      'Error code',
      'Failure reason',
      'Correlation ID',
      'SAML ids',
      'Request ID',
      'IP address',
      'Client',
    ],
    entries.map((e) => [
      html`<a href="/portal/sign-ins/${e.id}">${formatTime(e.createdAt)}</a>`,
      e.userPrincipalName ?? '',
      html`${e.appDisplayName ?? ''}${e.appIdentifier ? html`<br><code>${e.appIdentifier}</code>` : null}`,
      html`<span class="badge ${e.result === 'success' ? 'ok' : 'bad'}">${RESULTS.find((r) => r.value === e.result)?.label ?? e.result}</span>`,
      CA_STATUS[e.conditionalAccess?.status ?? 'notApplied'] ?? '',
      e.errorCode ?? '',
      html`${e.failureReason ?? ''}${e.checkName && e.result !== 'success' ? html`<br><span class="hint">check: ${e.checkName}</span>` : null}`,
      html`<code>${e.correlationId}</code>`,
      samlIdsCell(e.saml),
      html`<code>${e.requestId}</code>`,
      e.ipAddress ?? '',
      e.userAgent ?? '',
    ]),
    'No sign-ins match.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Sign-in logs',
    active: 'sign-ins',
    body,
    breadcrumbs: [{ label: 'Sign-in logs' }],
  });
}
