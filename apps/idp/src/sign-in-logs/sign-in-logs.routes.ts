import { card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { queryOf } from '../http/forms.ts';
import { formatTime, selectField } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { listSignInLogs, type SignInResult } from './sign-in-logs.repository.ts';

const RESULTS: ReadonlyArray<{ value: SignInResult; label: string }> = [
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'interrupted', label: 'Interrupted' },
];

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
      'Error code',
      'Failure reason',
      'Correlation ID',
      'Request ID',
      'IP address',
      'Client',
    ],
    entries.map((e) => [
      formatTime(e.createdAt),
      e.userPrincipalName ?? '',
      html`${e.appDisplayName ?? ''}${e.appIdentifier ? html`<br><code>${e.appIdentifier}</code>` : null}`,
      html`<span class="badge ${e.result === 'success' ? 'ok' : 'bad'}">${RESULTS.find((r) => r.value === e.result)?.label ?? e.result}</span>`,
      e.errorCode ?? '',
      html`${e.failureReason ?? ''}${e.checkName && e.result !== 'success' ? html`<br><span class="hint">check: ${e.checkName}</span>` : null}`,
      html`<code>${e.correlationId}</code>`,
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
