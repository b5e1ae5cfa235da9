import { card, facts, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { idpError, notFound } from '../errors.ts';
import { formOf, yes } from '../http/forms.ts';
import { formatTime, radioField, yesNoField } from '../http/inputs.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { findUserInTenant, type User } from '../users/users.repository.ts';
import { listMethods, userMfaOf } from './methods.repository.ts';
import { requireReregistration, setPerUserMfa } from './mfa-admin.service.ts';
import { REGISTRATION_SKIP_DAYS, securityDefaultsOn, setSecurityDefaults } from './security-defaults.ts';
import { KIND_LABELS } from './security-info.pages.ts';

type Params = { id: string };

async function userOr404(deps: Deps, tenantId: string, id: string): Promise<User> {
  const user = await findUserInTenant(deps.db, tenantId, id);
  if (!user) throw notFound('The user');
  return user;
}

const userCrumbs = (user: User) => [
  { href: '/portal/users', label: 'Users' },
  { href: `/portal/users/${user.id}`, label: user.displayName },
  { label: 'Authentication methods' },
];

const STATE_CHOICES = [
  { value: 'disabled', label: 'Disabled' },
  { value: 'enabled', label: 'Enabled' },
  { value: 'enforced', label: 'Enforced' },
];

/** GET `/portal/users/:id/authentication-methods`: the user's methods and per-user MFA state. */
export async function userMethodsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const user = await userOr404(deps, admin.tenant.id, (request.params as Params).id);
  const methods = await listMethods(deps.db, user.id);
  const mfa = await userMfaOf(deps.db, user.id);
  const body = html`${card(
    'Usable authentication methods',
    html`${table(
      ['Method', 'Name', 'Added', 'Last used'],
      methods.map((m) => [
        KIND_LABELS[m.kind],
        m.displayName,
        formatTime(m.createdAt),
        m.lastUsedAt ? formatTime(m.lastUsedAt) : 'Never',
      ]),
      'No methods registered: the password only.',
    )}
<div class="actions"><a class="button danger" href="/portal/users/${user.id}/authentication-methods/reregister">Require re-register MFA</a></div>
<p class="hint">Deletes the user’s authenticator apps: their next sign-in that needs MFA takes them through registration again (for a lost or replaced phone).</p>`,
  )}
${card(
  'Per-user multifactor authentication',
  html`<form method="post" action="/portal/users/${user.id}/authentication-methods/state" novalidate>
${hiddenCsrf(admin.csrf)}
${radioField({
  label: 'State',
  name: 'state',
  choices: STATE_CHOICES,
  value: mfa.perUserState,
  hint: 'Enabled: the user registers a method at the next sign-in, and does MFA from then on (the state becomes Enforced once registered). Enforced: every sign-in needs MFA. Disabled: MFA only when security defaults or Conditional Access ask for it.',
})}
<div class="actions"><button type="submit">Save</button></div>
</form>`,
)}`;
  return sendPortalPage(request, reply, admin, {
    title: `${user.displayName}: authentication methods`,
    active: 'users',
    body,
    breadcrumbs: userCrumbs(user),
  });
}

/** POST `/portal/users/:id/authentication-methods/state`: Disabled, Enabled or Enforced. */
export async function perUserStateSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const id = (request.params as Params).id;
  const state = formOf(request).state ?? '';
  await setPerUserMfa(deps, admin.actor, admin.tenant.id, id, state);
  const label = STATE_CHOICES.find((c) => c.value === state)?.label ?? state;
  return done(request, reply, `/portal/users/${id}/authentication-methods`, `Per-user MFA is now ${label}.`);
}

/** GET and POST `/portal/users/:id/authentication-methods/reregister`: "Require re-register MFA". */
export const reregisterAction = confirmedAction({
  load: (deps, admin, params) => userOr404(deps, admin.tenant.id, params.id ?? ''),
  confirm: async (deps, _admin, user) => {
    const count = (await listMethods(deps.db, user.id)).length;
    return {
      title: 'Require re-register MFA',
      active: 'users',
      breadcrumbs: userCrumbs(user),
      question: `Require ${user.displayName} to register MFA again?`,
      consequences: [
        count === 1 ? 'Their authenticator app is deleted.' : `Their ${count} sign-in methods are deleted.`,
        'Their next sign-in that needs MFA asks them to set up an authenticator app again.',
      ],
      confirmLabel: 'Require re-register MFA',
      cancelHref: `/portal/users/${user.id}/authentication-methods`,
    };
  },
  act: async (deps, admin, user) => {
    const { removed } = await requireReregistration(deps, admin.actor, admin.tenant.id, user.id);
    return {
      location: `/portal/users/${user.id}/authentication-methods`,
      message: `${user.displayName} must register MFA again (${removed} method${removed === 1 ? '' : 's'} deleted).`,
    };
  },
});

function ownTenant(tenantId: string, request: FastifyRequest): void {
  if ((request.params as Params).id !== tenantId) {
    throw idpError('forbidden', 403, 'You can only manage the tenant you are an administrator of.');
  }
}

/** GET `/portal/tenants/:id/security-defaults`: what security defaults do, and the switch. */
export async function securityDefaultsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin.tenant.id, request);
  const on = await securityDefaultsOn(deps.db, admin.tenant.id);
  const body = html`${card(
    'Security defaults',
    html`<p>Security defaults make it easier to protect your organization with preconfigured security settings. When they are on:</p>
<ul>
<li>Every user must register for multifactor authentication (an authenticator app) at their next sign-in. They may skip registering for ${REGISTRATION_SKIP_DAYS} days after the first sign-in that asks; after that they must register to sign in.</li>
<li>Every user does multifactor authentication when they sign in, to My Apps, this portal and every application.</li>
<li>Conditional Access policies cannot be turned on: turn security defaults off first.</li>
</ul>
${facts([['Status', on ? 'Enabled' : 'Disabled']])}
<form method="post" action="/portal/tenants/${admin.tenant.id}/security-defaults" novalidate>
${hiddenCsrf(admin.csrf)}
${yesNoField({ label: 'Enable security defaults', name: 'enabled', value: on })}
<div class="actions"><button type="submit">Save</button> <a class="button secondary" href="/portal/tenants/${admin.tenant.id}">Cancel</a></div>
</form>`,
  )}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Security defaults',
    active: 'tenants',
    body,
    breadcrumbs: [
      { href: '/portal/tenants', label: 'Tenants' },
      { href: `/portal/tenants/${admin.tenant.id}`, label: admin.tenant.name },
      { label: 'Security defaults' },
    ],
  });
}

/** POST `/portal/tenants/:id/security-defaults`. */
export async function securityDefaultsSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  ownTenant(admin.tenant.id, request);
  const enabled = yes(formOf(request).enabled);
  await setSecurityDefaults(deps, admin.actor, admin.tenant.id, enabled);
  return done(
    request,
    reply,
    `/portal/tenants/${admin.tenant.id}/security-defaults`,
    enabled ? 'Security defaults are on.' : 'Security defaults are off.',
  );
}
