import { card, confirmLink, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listApplications } from '../applications/applications.repository.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { listGroups } from '../groups/groups.repository.ts';
import { attempt } from '../http/forms.ts';
import { formatTime } from '../http/inputs.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { listUsers } from '../users/users.repository.ts';
import { findPolicy, listNamedLocations, listPolicies } from './conditional-access.repository.ts';
import { createPolicy, deletePolicy, patchPolicy } from './conditional-access.service.ts';
import { administratorsOf } from './lockout.ts';
import { draftFromForm, type FormChoices, policyForm } from './policy.form.ts';
import type { ConditionalAccessPolicy } from './policy.ts';

// Conditional Access › Policies: the list, the form (new and edit), delete (confirmed).

export const STATE_LABELS: Record<ConditionalAccessPolicy['state'], string> = {
  enabled: 'On',
  disabled: 'Off',
  enabledForReportingButNotEnforced: 'Report-only',
};

export const caCrumbs = (extra: Array<{ href?: string; label: string }> = []) => [
  { href: '/portal/conditional-access', label: 'Conditional Access' },
  ...extra,
];

/** The Conditional Access blade's own links (Entra: Policies, What If, Named locations). */
export function caLinks(current: 'policies' | 'locations' | 'what-if') {
  const link = (key: typeof current, href: string, label: string) =>
    key === current
      ? html`<a class="button" href="${href}" aria-current="page">${label}</a>`
      : html`<a class="button secondary" href="${href}">${label}</a>`;
  return html`<nav class="actions" aria-label="Conditional Access">${link('policies', '/portal/conditional-access', 'Policies')} ${link('locations', '/portal/conditional-access/named-locations', 'Named locations')} ${link('what-if', '/portal/conditional-access/what-if', 'What If')}</nav>`;
}

/** GET `/portal/conditional-access`: the tenant's policies. */
export async function policiesPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const policies = await listPolicies(deps.db, admin.tenant.id);
  const body = html`${caLinks('policies')}
<div class="actions"><a class="button" href="/portal/conditional-access/policies/new">New policy</a></div>
${card(
  null,
  table(
    ['Policy name', 'State', 'Created', 'Modified'],
    policies.map((p) => [
      html`<a href="/portal/conditional-access/policies/${p.id}">${p.displayName}</a>`,
      html`<span class="badge${p.state === 'enabled' ? ' ok' : ''}">${STATE_LABELS[p.state]}</span>`,
      formatTime(p.createdDateTime),
      formatTime(p.modifiedDateTime),
    ]),
    'No policies yet. Start with Report-only, check the sign-in logs and What If, then turn it On.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Conditional Access | Policies',
    active: 'conditional-access',
    body,
    breadcrumbs: caCrumbs([{ label: 'Policies' }]),
  });
}

async function choicesOf(deps: Deps, admin: AdminContext): Promise<FormChoices> {
  const [users, groups, apps, locations, admins] = await Promise.all([
    listUsers(deps.db, admin.tenant.id),
    listGroups(deps.db, admin.tenant.id),
    listApplications(deps.db, admin.tenant.id),
    listNamedLocations(deps.db, admin.tenant.id),
    administratorsOf(deps.db, admin.tenant.id),
  ]);
  const first = admins[0];
  return {
    users: users.map((u) => ({ id: u.id, label: `${u.displayName} (${u.userPrincipalName})` })),
    groups: groups.map((g) => ({ id: g.id, label: g.displayName })),
    apps: apps.map((a) => ({ id: a.appId, label: a.displayName })),
    locations: locations.map((l) => ({
      id: l.id,
      label: `${l.displayName}${l.isTrusted ? ' (trusted)' : ''}`,
    })),
    breakGlass: first ? { id: first.id, label: first.userPrincipalName } : null,
  };
}

/** A new policy starts in Report-only, for all users, with the first administrator excluded. */
function newPolicyDraft(choices: FormChoices) {
  return {
    displayName: '',
    state: 'enabledForReportingButNotEnforced',
    conditions: {
      users: { includeUsers: ['All'], excludeUsers: choices.breakGlass ? [choices.breakGlass.id] : [] },
      applications: { includeApplications: [] },
      locations: null,
      platforms: null,
      clientAppTypes: ['all'],
    },
    grantControls: null,
    sessionControls: null,
  };
}

async function sendForm(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  page: { policyId: string | null; draft: Record<string, unknown> | null; errors: Record<string, string> },
) {
  const choices = await choicesOf(deps, admin);
  const existing = page.policyId ? await findPolicy(deps.db, admin.tenant.id, page.policyId) : null;
  if (page.policyId && !existing) throw notFound('The policy');
  const policy =
    page.draft ?? (existing as unknown as Record<string, unknown> | null) ?? newPolicyDraft(choices);
  const title = existing ? existing.displayName : 'New Conditional Access policy';
  const body = html`${existing ? html`<div class="actions">${confirmLink(`/portal/conditional-access/policies/${existing.id}/delete`, 'Delete policy')}</div>` : null}
${policyForm({
  action: existing
    ? `/portal/conditional-access/policies/${existing.id}`
    : '/portal/conditional-access/policies',
  csrf: admin.csrf,
  policy,
  choices,
  errors: page.errors,
  submitLabel: existing ? 'Save' : 'Create',
})}`;
  return sendPortalPage(request, reply, admin, {
    title,
    active: 'conditional-access',
    body,
    breadcrumbs: caCrumbs([{ label: title }]),
    status: Object.keys(page.errors).length > 0 ? 400 : 200,
  });
}

/** GET `/portal/conditional-access/policies/new`. */
export async function newPolicyPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return sendForm(deps, request, reply, admin, { policyId: null, draft: null, errors: {} });
}

/** POST `/portal/conditional-access/policies`. */
export async function createPolicySubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const draft = draftFromForm(request.body);
  const result = await attempt(() => createPolicy(deps, admin.actor, admin.tenant.id, draft));
  if (!result.ok)
    return sendForm(deps, request, reply, admin, { policyId: null, draft, errors: result.errors });
  return done(
    request,
    reply,
    '/portal/conditional-access',
    `Created the policy ${result.value.displayName} (${STATE_LABELS[result.value.state]}).`,
  );
}

/** GET `/portal/conditional-access/policies/:id`. */
export async function editPolicyPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return sendForm(deps, request, reply, admin, {
    policyId: (request.params as { id: string }).id,
    draft: null,
    errors: {},
  });
}

/** POST `/portal/conditional-access/policies/:id`: the whole form replaces the policy. */
export async function editPolicySubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const { id } = request.params as { id: string };
  const draft = draftFromForm(request.body);
  const result = await attempt(() => patchPolicy(deps, admin.actor, admin.tenant.id, id, draft));
  if (!result.ok)
    return sendForm(deps, request, reply, admin, { policyId: id, draft, errors: result.errors });
  return done(
    request,
    reply,
    '/portal/conditional-access',
    `Saved the policy ${result.value.displayName} (${STATE_LABELS[result.value.state]}).`,
  );
}

/** GET / POST `/portal/conditional-access/policies/:id/delete`. */
export const deletePolicyAction = confirmedAction({
  load: async (deps, admin, params) => {
    const policy = await findPolicy(deps.db, admin.tenant.id, params.id ?? '');
    if (!policy) throw notFound('The policy');
    return policy;
  },
  confirm: async (_deps, _admin, policy) => ({
    title: `Delete ${policy.displayName}`,
    active: 'conditional-access',
    breadcrumbs: caCrumbs([
      { href: `/portal/conditional-access/policies/${policy.id}`, label: policy.displayName },
      { label: 'Delete' },
    ]),
    question: `Delete the Conditional Access policy ${policy.displayName}?`,
    consequences: [
      policy.state === 'enabled'
        ? 'It is On: sign-ins stop being checked against it at once.'
        : `It is ${STATE_LABELS[policy.state]}: no sign-in is enforced by it now.`,
      'Past sign-in logs keep what it decided. A deleted policy cannot be restored.',
    ],
    confirmLabel: `Delete ${policy.displayName}`,
    cancelHref: `/portal/conditional-access/policies/${policy.id}`,
  }),
  act: async (deps, admin, policy) => {
    await deletePolicy(deps, admin.actor, admin.tenant.id, policy.id);
    return { location: '/portal/conditional-access', message: `Deleted the policy ${policy.displayName}.` };
  },
});
