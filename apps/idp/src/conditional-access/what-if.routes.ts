import { card, field, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { listApplications } from '../applications/applications.repository.ts';
import type { Deps } from '../context.ts';
import { groupsOfUser } from '../groups/groups.repository.ts';
import { queryOf } from '../http/forms.ts';
import { selectField } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { listUsers } from '../users/users.repository.ts';
import { listNamedLocations, listPolicies } from './conditional-access.repository.ts';
import { type ConditionName, evaluate, type PolicyEvaluation } from './evaluate.ts';
import { caCrumbs, caLinks, STATE_LABELS } from './policies.routes.ts';
import { PLATFORM_LABELS } from './policy.form.ts';
import { PLATFORMS, type Platform } from './policy.ts';

// Conditional Access › What If (Entra's tool): a user, an application, an IP address and a device
// platform → the policies that would apply, with their controls, and those that would not, each with
// the first condition not met. Only On and Report-only policies are evaluated, as in Entra; the same
// `evaluate` decides real sign-ins.

export const CONDITION_LABELS: Record<ConditionName, string> = {
  users: 'Users and groups',
  application: 'Target resources',
  location: 'Locations',
  devicePlatform: 'Device platforms',
  clientType: 'Client apps',
};

const GRANT_LABELS: Record<string, string> = {
  Block: 'Block access',
  Mfa: 'Require multifactor authentication',
  RequireAuthenticationStrength: 'Require authentication strength',
};
const SESSION_LABELS: Record<string, string> = {
  SignInFrequency: 'Sign-in frequency',
  PersistentBrowserSessionMode: 'Persistent browser session',
};

/** GET `/portal/conditional-access/what-if`: the form, and the results when it was sent. */
export async function whatIfPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const query = queryOf(request);
  const [users, apps] = await Promise.all([
    listUsers(deps.db, admin.tenant.id),
    listApplications(deps.db, admin.tenant.id),
  ]);
  const errors: Record<string, string> = {};
  const asked = 'user' in query;
  const user = users.find((u) => u.id === query.user);
  const app = apps.find((a) => a.appId === query.app);
  const ip = (query.ip ?? '').trim();
  const platform = PLATFORMS.find((p) => p === query.platform) ?? null;
  if (asked) {
    if (!user) errors.user = 'Choose the user signing in.';
    if (!app) errors.app = 'Choose the application signed in to.';
    if (ip && !ipaddr.isValid(ip)) errors.ip = `${ip} is not an IPv4 or IPv6 address.`;
  }
  let results = null;
  if (asked && user && app && Object.keys(errors).length === 0) {
    const [policies, locations, groups] = await Promise.all([
      listPolicies(deps.db, admin.tenant.id),
      listNamedLocations(deps.db, admin.tenant.id),
      groupsOfUser(deps.db, user.id),
    ]);
    const outcome = evaluate(
      {
        userId: user.id,
        groupIds: groups.map((g) => g.id),
        appId: app.appId,
        ipAddress: ip || null,
        platform: platform as Platform | null,
        clientAppType: 'browser',
        now: deps.clock.now(),
        session: { lastInteractiveAt: deps.clock.now(), methods: ['password'] },
      },
      policies.filter((p) => p.state !== 'disabled'),
      locations,
    );
    const applies = (p: PolicyEvaluation) => p.conditionNotSatisfied === null;
    results = html`${card(
      'Policies that will apply',
      table(
        ['Policy name', 'State', 'Grant controls', 'Session controls'],
        outcome.policies
          .filter(applies)
          .map((p) => [
            html`<a href="/portal/conditional-access/policies/${p.id}">${p.displayName}</a>`,
            STATE_LABELS[p.state],
            p.enforcedGrantControls.map((c) => GRANT_LABELS[c] ?? c).join(', '),
            p.enforcedSessionControls.map((c) => SESSION_LABELS[c] ?? c).join(', '),
          ]),
        'No policy applies to this sign-in.',
      ),
    )}
${card(
  'Policies that will not apply',
  table(
    ['Policy name', 'State', 'Reason the policy does not apply'],
    outcome.policies
      .filter((p) => !applies(p))
      .map((p) => [
        html`<a href="/portal/conditional-access/policies/${p.id}">${p.displayName}</a>`,
        STATE_LABELS[p.state],
        CONDITION_LABELS[p.conditionNotSatisfied!],
      ]),
    'Every On and Report-only policy applies.',
  ),
)}
${card(
  'Outcome',
  html`<p>${
    outcome.blockedBy
      ? html`Blocked by <strong>${outcome.blockedBy.displayName}</strong> (AADSTS53003).`
      : outcome.requiredGrants.length > 0
        ? html`Allowed after ${outcome.requiredGrants.includes('phishingResistantMfa') ? 'phishing-resistant multifactor authentication (a passkey)' : 'multifactor authentication'}.`
        : 'Allowed.'
  } ${ip ? html`Named locations of ${ip}: ${outcome.namedLocations.map((l) => l.displayName).join(', ') || 'none'}.` : 'No IP address given: a policy with a location condition does not apply.'}</p>
<p class="hint">Report-only policies are listed but never enforced.</p>`,
)}`;
  }
  const body = html`${caLinks('what-if')}
<form method="get" action="/portal/conditional-access/what-if" class="card" novalidate>
${selectField({ label: 'User', name: 'user', required: true, placeholder: 'Select a user', choices: users.map((u) => ({ value: u.id, label: `${u.displayName} (${u.userPrincipalName})` })), value: query.user ?? null, error: errors.user })}
${selectField({ label: 'Target resource', name: 'app', required: true, placeholder: 'Select an application', choices: apps.map((a) => ({ value: a.appId, label: a.displayName })), value: query.app ?? null, error: errors.app })}
${field({ label: 'IP address', name: 'ip', value: ip, placeholder: '203.0.113.7', hint: 'Optional. Without it, policies with a location condition do not apply.', error: errors.ip })}
${selectField({ label: 'Device platform', name: 'platform', placeholder: 'Not specified', choices: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p]! })), value: platform })}
${selectField({ label: 'Client app', name: 'clientApp', choices: [{ value: 'browser', label: 'Browser' }], value: 'browser' })}
<div class="actions"><button type="submit">What If</button></div>
</form>
${results}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Conditional Access | What If',
    active: 'conditional-access',
    body,
    breadcrumbs: caCrumbs([{ label: 'What If' }]),
    status: Object.keys(errors).length > 0 ? 400 : 200,
  });
}
