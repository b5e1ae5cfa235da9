import { facts, html, type SafeHtml, table } from '@federa/kit';
import Bowser from 'bowser';
import type { ConditionName } from '../conditional-access/evaluate.ts';
import type { SignInConditionalAccess } from '../conditional-access/sign-in-log.ts';
import { CONDITION_LABELS } from '../conditional-access/what-if.routes.ts';
import { formatTime } from '../http/inputs.ts';
import type { SamlIds, SignInLogEntry } from './sign-in-logs.repository.ts';

// One sign-in's details, as Entra's "Activity Details: Sign-ins" pane: Basic info, Location, Device
// info, Authentication details, Conditional Access and Report-only. The standalone page shows them
// one after another (sign-in-detail.routes.ts); the pane beside the list shows one at a time as tabs
// (sign-in-pane.ts).

export type SignInSectionKey = 'basic' | 'location' | 'device' | 'authentication' | 'ca' | 'report-only';

export interface SignInSection {
  key: SignInSectionKey;
  title: string;
  body: SafeHtml;
}

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
export const SIGN_IN_RESULT_LABELS: Record<SignInLogEntry['result'], string> = {
  success: 'Success',
  failure: 'Failure',
  interrupted: 'Interrupted',
};

/** The sign-in's status as a badge (the list's Status column and Basic info). */
export function statusBadge(result: SignInLogEntry['result']): SafeHtml {
  return html`<span class="badge ${result === 'success' ? 'ok' : 'bad'}">${SIGN_IN_RESULT_LABELS[result] ?? result}</span>`;
}

/**
 * The attempt's SAML ids, which the SP's log shows too (Federa Workspace: Settings › Auth › SSO
 * sign-in attempts): how an admin follows one attempt across the two services.
 */
function samlIds(ids: SamlIds): SafeHtml | string {
  const rows: Array<[string, string | null]> = [
    ['AuthnRequest', ids.authnRequestId],
    ['Response', ids.responseId],
    ['Assertion', ids.assertionId],
  ];
  const present = rows.filter(([, id]) => id);
  if (present.length === 0) return 'None (not a SAML sign-in, or it ended before a SAML message)';
  return html`${present.map(([label, id]) => html`<span class="hint">${label}</span> <code>${id}</code><br>\n`)}`;
}

const POLICY_COLUMNS = ['Policy name', 'Result', 'Grant controls', 'Session controls', 'Condition not met'];

/**
 * The policies and what each did. Each cell carries its column's name, so that in the narrow details
 * pane a row reads as labelled lines instead of five squeezed columns (`.policy-table` in the CSS).
 */
function policyTable(policies: SignInConditionalAccess['policies'], empty: string) {
  if (policies.length === 0) return html`<p class="empty">${empty}</p>`;
  const rows = policies.map((p) => [
    html`<a href="/portal/conditional-access/policies/${p.id}">${p.displayName}</a>`,
    html`<span class="badge${p.result.endsWith('uccess') ? ' ok' : p.result.endsWith('ailure') ? ' bad' : ''}">${RESULT_LABELS[p.result] ?? p.result}</span>`,
    p.enforcedGrantControls.join(', '),
    p.enforcedSessionControls.join(', '),
    p.conditionsNotSatisfied
      ? (CONDITION_LABELS[p.conditionsNotSatisfied as ConditionName] ?? p.conditionsNotSatisfied)
      : '',
  ]);
  return html`<div class="table-scroll"><table class="policy-table"><thead><tr>${POLICY_COLUMNS.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell, i) => html`<td data-label="${POLICY_COLUMNS[i]}">${cell}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

function namedLocations(ca: SignInConditionalAccess | null): string {
  return (
    ca?.namedLocations.map((l) => `${l.displayName}${l.isTrusted ? ' (trusted)' : ''}`).join(', ') || 'None'
  );
}

/** Browser and operating system as Entra's Device info reads them: from the User-Agent, unverified. */
function device(userAgent: string | null): { browser: string; os: string } {
  if (!userAgent?.trim()) return { browser: '', os: '' };
  const parsed = Bowser.parse(userAgent);
  const name = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(' ');
  // "Windows 10" rather than "Windows NT 10.0", as Entra writes it.
  return {
    browser: name(parsed.browser.name, parsed.browser.version),
    os: name(parsed.os.name, parsed.os.versionName ?? parsed.os.version),
  };
}

/** The six sections of one sign-in, in Entra's tab order. */
export function signInSections(entry: SignInLogEntry): SignInSection[] {
  const ca = entry.conditionalAccess;
  const enforced = ca?.policies.filter((p) => !p.result.startsWith('reportOnly')) ?? [];
  const reportOnly = ca?.policies.filter((p) => p.result.startsWith('reportOnly')) ?? [];
  const { browser, os } = device(entry.userAgent);
  return [
    {
      key: 'basic',
      title: 'Basic info',
      body: facts([
        ['Date', formatTime(entry.createdAt)],
        ['Request ID', html`<code>${entry.requestId}</code>`],
        ['Correlation ID', html`<code>${entry.correlationId}</code>`],
        ['Authentication requirement', entry.authentication?.requirement ?? ''],
        ['User', entry.userPrincipalName ?? ''],
        ['User ID', entry.userId ? html`<code>${entry.userId}</code>` : ''],
        ['Application', entry.appDisplayName ?? ''],
        ['Application identifier', entry.appIdentifier ? html`<code>${entry.appIdentifier}</code>` : ''],
        ['Status', statusBadge(entry.result)],
        ['Sign-in error code', entry.errorCode ?? ''],
        ['Failure reason', entry.failureReason ?? ''],
        ['Check', entry.checkName && entry.result !== 'success' ? html`<code>${entry.checkName}</code>` : ''],
        ['SAML ids', samlIds(entry.saml)],
        ['IP address', entry.ipAddress ?? ''],
        ['Client', entry.userAgent ?? ''],
        ['Conditional Access', STATUS_LABELS[ca?.status ?? 'notApplied'] ?? ''],
      ]),
    },
    {
      key: 'location',
      title: 'Location',
      body: facts([
        ['IP address', entry.ipAddress ?? ''],
        ['Named locations matched', namedLocations(ca)],
      ]),
    },
    {
      key: 'device',
      title: 'Device info',
      body: facts([
        ['Browser', browser],
        ['Operating System', os],
        ['User agent', entry.userAgent ?? ''],
      ]),
    },
    {
      key: 'authentication',
      title: 'Authentication details',
      body: table(
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
    },
    {
      key: 'ca',
      title: 'Conditional Access',
      body: html`${facts([
        ['Status', STATUS_LABELS[ca?.status ?? 'notApplied'] ?? ''],
        ['IP address', entry.ipAddress ?? ''],
        ['Named locations matched', namedLocations(ca)],
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
    },
    {
      key: 'report-only',
      title: 'Report-only',
      body: policyTable(reportOnly, 'No report-only policy was evaluated.'),
    },
  ];
}
