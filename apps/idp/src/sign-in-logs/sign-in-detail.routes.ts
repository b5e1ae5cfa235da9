import { card, facts, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConditionName } from '../conditional-access/evaluate.ts';
import type { SignInConditionalAccess } from '../conditional-access/sign-in-log.ts';
import { CONDITION_LABELS } from '../conditional-access/what-if.routes.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { formatTime } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { findSignInLog } from './sign-in-logs.repository.ts';

// One sign-in's details, as Entra's sign-in log pane: Basic info, Authentication details, and the
// Conditional Access and Report-only tabs (here sections): each policy with its result and controls.

const RESULT_LABELS: Record<string, string> = {
  success: 'Success',
  failure: 'Failure',
  notApplied: 'Not applied',
  notEnabled: 'Disabled',
  reportOnlySuccess: 'Report-only: Success',
  reportOnlyFailure: 'Report-only: Failure',
  reportOnlyNotApplied: 'Report-only: Not applied',
};
const STATUS_LABELS: Record<string, string> = {
  success: 'Success',
  failure: 'Failure',
  notApplied: 'Not Applied',
};

function policyTable(policies: SignInConditionalAccess['policies'], empty: string) {
  return table(
    ['Policy name', 'Result', 'Grant controls', 'Session controls', 'Condition not met'],
    policies.map((p) => [
      html`<a href="/portal/conditional-access/policies/${p.id}">${p.displayName}</a>`,
      html`<span class="badge${p.result.endsWith('uccess') ? ' ok' : p.result.endsWith('ailure') ? ' bad' : ''}">${RESULT_LABELS[p.result] ?? p.result}</span>`,
      p.enforcedGrantControls.join(', '),
      p.enforcedSessionControls.join(', '),
      p.conditionsNotSatisfied
        ? (CONDITION_LABELS[p.conditionsNotSatisfied as ConditionName] ?? p.conditionsNotSatisfied)
        : '',
    ]),
    empty,
  );
}

/** GET `/portal/sign-ins/:id`. */
export async function signInDetailPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const entry = await findSignInLog(deps.db, admin.tenant.id, (request.params as { id: string }).id);
  if (!entry) throw notFound('The sign-in');
  const ca = entry.conditionalAccess;
  const enforced = ca?.policies.filter((p) => !p.result.startsWith('reportOnly')) ?? [];
  const reportOnly = ca?.policies.filter((p) => p.result.startsWith('reportOnly')) ?? [];
  const body = html`${card(
    'Basic info',
    facts([
      ['Date', formatTime(entry.createdAt)],
      ['Request ID', html`<code>${entry.requestId}</code>`],
      ['Correlation ID', html`<code>${entry.correlationId}</code>`],
      ['User', entry.userPrincipalName ?? ''],
      ['Application', entry.appDisplayName ?? ''],
      ['Status', entry.result],
      ['Sign-in error code', entry.errorCode ?? ''],
      ['Failure reason', entry.failureReason ?? ''],
      ['IP address', entry.ipAddress ?? ''],
      ['Client', entry.userAgent ?? ''],
      ['Conditional Access', STATUS_LABELS[ca?.status ?? 'notApplied'] ?? ''],
    ]),
  )}
${card(
  'Authentication details',
  table(
    ['Date', 'Authentication method', 'Requirement', 'Succeeded', 'Result detail'],
    (entry.authentication?.details ?? []).map((d) => [
      formatTime(d.authenticationStepDateTime),
      d.authenticationMethod,
      d.authenticationStepRequirement,
      d.succeeded ? 'true' : 'false',
      d.authenticationStepResultDetail,
    ]),
    'No authentication step is recorded for this attempt.',
  ),
)}
${card(
  'Conditional Access',
  html`${facts([
    ['Status', STATUS_LABELS[ca?.status ?? 'notApplied'] ?? ''],
    ['IP address', entry.ipAddress ?? ''],
    [
      'Named locations matched',
      ca?.namedLocations.map((l) => `${l.displayName}${l.isTrusted ? ' (trusted)' : ''}`).join(', ') ||
        'None',
    ],
    ['Grants still required', ca?.requiredGrants.join(', ') || 'None'],
    [
      'Session controls',
      [
        ca?.signInFrequencySeconds
          ? `Sign-in frequency ${ca.signInFrequencySeconds / 3600 >= 1 ? `${ca.signInFrequencySeconds / 3600} h` : 'every time'}`
          : null,
        ca?.persistentBrowser ? `Persistent browser session: ${ca.persistentBrowser}` : null,
      ]
        .filter(Boolean)
        .join('; ') || 'None',
    ],
  ])}
${policyTable(enforced, ca ? 'No policy was On or Off for this sign-in.' : 'Conditional Access was not evaluated for this attempt (it ended before, or is not an application sign-in).')}`,
)}
${card('Report-only', policyTable(reportOnly, 'No report-only policy was evaluated.'))}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Sign-in details',
    active: 'sign-ins',
    body,
    breadcrumbs: [{ href: '/portal/sign-ins', label: 'Sign-in logs' }, { label: 'Details' }],
  });
}
