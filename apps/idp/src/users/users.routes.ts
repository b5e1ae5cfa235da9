import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { groupsOfUser } from '../groups/groups.repository.ts';
import { attempt, formOf, queryOf, yes } from '../http/forms.ts';
import { done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { passwordOnceBody, userDetailBody, userForm, usersListBody } from './users.pages.ts';
import { findUserInTenant, listUsers, type User } from './users.repository.ts';
import { createUser, resetPassword, setAccountEnabled, updateUser } from './users.service.ts';

type Params = { id: string };

const crumbs = (extra: Array<{ href?: string; label: string }> = []) => [
  { href: '/portal/users', label: 'Users' },
  ...extra,
];

export async function usersList(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const search = queryOf(request).q ?? '';
  const users = await listUsers(deps.db, admin.tenant.id, search);
  return sendPortalPage(request, reply, admin, {
    title: 'Users',
    active: 'users',
    body: usersListBody(users, search),
    breadcrumbs: crumbs(),
  });
}

export async function newUserPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const body = userForm({
    action: '/portal/users',
    csrf: admin.csrf,
    tenant: admin.tenant,
    values: {},
    errors: {},
    isNew: true,
  });
  return sendPortalPage(request, reply, admin, {
    title: 'New user',
    active: 'users',
    body,
    breadcrumbs: crumbs([{ label: 'New user' }]),
  });
}

function profileOf(form: Record<string, string>) {
  return {
    userPrincipalName: form.userPrincipalName ?? '',
    displayName: form.displayName ?? '',
    givenName: form.givenName,
    surname: form.surname,
    mail: form.mail,
    accountEnabled: yes(form.accountEnabled),
    isAdmin: yes(form.isAdmin),
  };
}

/** POST `/portal/users`: creates the user and shows the password once (in this response only). */
export async function createUserSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const password = (form.password ?? '') === '' ? undefined : form.password;
  const result = await attempt(() =>
    // Entra's portal: the password, given or generated, is temporary (changed at first sign-in).
    createUser(deps, admin.actor, admin.tenant.id, {
      ...profileOf(form),
      password,
      forceChangePasswordNextSignIn: true,
    }),
  );
  if (!result.ok) {
    const { password: _p, _csrf, ...values } = form;
    const body = userForm({
      action: '/portal/users',
      csrf: admin.csrf,
      tenant: admin.tenant,
      values,
      errors: result.errors,
      isNew: true,
    });
    return sendPortalPage(request, reply, admin, {
      title: 'New user',
      active: 'users',
      body,
      breadcrumbs: crumbs([{ label: 'New user' }]),
      status: 400,
    });
  }
  const { user, password: shown } = result.value;
  return sendPortalPage(request, reply, admin, {
    title: 'User created',
    active: 'users',
    body: passwordOnceBody(user, shown, 'created'),
    breadcrumbs: crumbs([{ href: `/portal/users/${user.id}`, label: user.displayName }]),
    status: 201,
  });
}

async function userOr404(deps: Deps, tenantId: string, id: string): Promise<User> {
  const user = await findUserInTenant(deps.db, tenantId, id);
  if (!user) throw notFound('The user');
  return user;
}

export async function userDetail(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const user = await userOr404(deps, admin.tenant.id, (request.params as Params).id);
  const groups = await groupsOfUser(deps.db, user.id);
  return sendPortalPage(request, reply, admin, {
    title: user.displayName,
    active: 'users',
    body: userDetailBody(user, admin.csrf, groups, deps.clock.now().toISOString()),
    breadcrumbs: crumbs([{ label: user.displayName }]),
  });
}

export async function editUserPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const user = await userOr404(deps, admin.tenant.id, (request.params as Params).id);
  const values: Record<string, string> = {
    submitted: '1',
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    givenName: user.givenName ?? '',
    surname: user.surname ?? '',
    mail: user.mail ?? '',
    ...(user.accountEnabled ? { accountEnabled: 'on' } : {}),
    ...(user.isAdmin ? { isAdmin: 'on' } : {}),
  };
  const body = userForm({
    action: `/portal/users/${user.id}`,
    csrf: admin.csrf,
    tenant: admin.tenant,
    values,
    errors: {},
    isNew: false,
  });
  return sendPortalPage(request, reply, admin, {
    title: `Edit ${user.displayName}`,
    active: 'users',
    body,
    breadcrumbs: crumbs([{ href: `/portal/users/${user.id}`, label: user.displayName }, { label: 'Edit' }]),
  });
}

export async function editUserSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const user = await userOr404(deps, admin.tenant.id, (request.params as Params).id);
  const form = formOf(request);
  const result = await attempt(() =>
    updateUser(deps, admin.actor, admin.tenant.id, user.id, profileOf(form)),
  );
  if (!result.ok) {
    const { _csrf, ...values } = form;
    const body = userForm({
      action: `/portal/users/${user.id}`,
      csrf: admin.csrf,
      tenant: admin.tenant,
      values: { ...values, submitted: '1' },
      errors: result.errors,
      isNew: false,
    });
    return sendPortalPage(request, reply, admin, {
      title: `Edit ${user.displayName}`,
      active: 'users',
      body,
      breadcrumbs: crumbs([{ href: `/portal/users/${user.id}`, label: user.displayName }, { label: 'Edit' }]),
      status: 400,
    });
  }
  return done(request, reply, `/portal/users/${user.id}`, `Saved ${result.value.displayName}.`);
}

/** POST `/portal/users/:id/reset-password`: a new generated password, shown once in this response. */
export async function resetPasswordSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const { user, password } = await resetPassword(
    deps,
    admin.actor,
    admin.tenant.id,
    (request.params as Params).id,
  );
  return sendPortalPage(request, reply, admin, {
    title: 'Password reset',
    active: 'users',
    body: passwordOnceBody(user, password, 'reset'),
    breadcrumbs: crumbs([{ href: `/portal/users/${user.id}`, label: user.displayName }]),
  });
}

export function setEnabledSubmit(enabled: boolean) {
  return async (deps: Deps, request: FastifyRequest, reply: FastifyReply) => {
    const admin = await requireAdmin(deps, request, reply);
    if (!admin) return reply;
    const id = (request.params as Params).id;
    await setAccountEnabled(deps, admin.actor, admin.tenant.id, id, enabled);
    return done(
      request,
      reply,
      `/portal/users/${id}`,
      enabled ? 'Sign-in is allowed again.' : 'Sign-in is blocked.',
    );
  };
}
