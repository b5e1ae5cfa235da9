import { card, field, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendApplicationPage } from '../applications/application-page.ts';
import type { Application } from '../applications/applications.repository.ts';
import { requireApplication } from '../applications/applications.service.ts';
import type { Deps } from '../context.ts';
import { allValuesOf, attempt, formOf } from '../http/forms.ts';
import { actionButton } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin } from '../portal/portal.ts';
import { assignSeveral } from './assign-several.ts';
import { assignmentPicker, assignmentsTable, loadAssignmentChoices } from './assignment.form.ts';
import { listAssignments } from './assignments.repository.ts';
import { createAppRole, deleteAppRole } from './assignments.service.ts';

type Params = { id: string; assignmentId?: string; roleId?: string };

async function usersAndGroupsPage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Application,
  values: Record<string, string>,
  errors: Record<string, string>,
  chosen: ReadonlySet<string> = new Set(),
) {
  const base = `/portal/applications/${app.id}`;
  const [assignments, choices] = await Promise.all([
    listAssignments(deps.db, app.id),
    loadAssignmentChoices(deps.db, admin.tenant.id, app.id),
  ]);
  const roles = choices.roles;
  const assigned = new Set(assignments.map((a) => `${a.principalType}:${a.principalId}`));
  const body = html`${
    app.assignmentRequired
      ? html`<p class="flash flash-info">Assignment is required: only the users and groups below (and members of these groups) can sign in to ${app.displayName}.</p>`
      : html`<p class="flash flash-info">Assignment is not required: every user of the tenant can sign in; the users and groups below see ${app.displayName} in My Apps.</p>`
  }
${card(
  'Users and groups',
  assignmentsTable(assignments, (a) => `${base}/assignments/${a.id}/remove`),
)}
${card(
  'Add Assignment',
  html`<form method="post" action="${base}/assignments" novalidate>${hiddenCsrf(admin.csrf)}
${assignmentPicker(choices, assigned, chosen, values.appRoleId, errors)}
<div class="actions"><button type="submit">Assign</button></div></form>`,
)}
${card(
  'App roles',
  html`${table(
    ['Display name', 'Value', 'Description', ''],
    roles.map((r) => [
      r.displayName,
      r.value ?? '',
      r.description ?? '',
      actionButton(`${base}/roles/${r.id}/remove`, admin.csrf, 'Delete', { kind: 'secondary' }),
    ]),
    'No app roles: assignments get Default Access.',
  )}
${errors.role ? html`<p class="error" role="alert">${errors.role}</p>` : null}
<form method="post" action="${base}/roles" novalidate>${hiddenCsrf(admin.csrf)}
${field({ label: 'Display name', name: 'displayName', value: values.displayName ?? '', placeholder: 'Admin', error: errors.displayName })}
${field({ label: 'Value', name: 'value', value: values.value ?? '', placeholder: 'admin', hint: 'Sent in the role claim; no spaces.', error: errors.value })}
${field({ label: 'Description', name: 'description', value: values.description ?? '', error: errors.description })}
<div class="actions"><button type="submit" class="secondary">Create app role</button></div></form>`,
)}`;
  return sendApplicationPage(request, reply, admin, app, {
    title: `${app.displayName} | Users and groups`,
    section: 'users',
    body,
    crumb: 'Users and groups',
    status: Object.keys(errors).length > 0 ? 400 : 200,
  });
}

async function load(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return null;
  const app = await requireApplication(deps.db, admin.tenant.id, (request.params as Params).id);
  return { admin, app, base: `/portal/applications/${app.id}/users` };
}

export async function assignmentsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  return usersAndGroupsPage(deps, request, reply, loaded.admin, loaded.app, {}, {});
}

export async function assignSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const form = formOf(request);
  const principals = allValuesOf(request, 'principal');
  const result = await attempt(() =>
    assignSeveral(deps, admin.actor, admin.tenant.id, app.id, principals, form.appRoleId),
  );
  if (!result.ok) {
    return usersAndGroupsPage(deps, request, reply, admin, app, form, result.errors, new Set(principals));
  }
  return done(
    request,
    reply,
    base,
    result.value === 1
      ? 'Assignment succeeded.'
      : `Assignment succeeded for ${result.value} users and groups.`,
  );
}

export async function createRoleSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const form = formOf(request);
  const result = await attempt(() =>
    createAppRole(deps, admin.actor, admin.tenant.id, app.id, {
      displayName: form.displayName ?? '',
      value: form.value ?? '',
      description: form.description,
    }),
  );
  if (!result.ok) return usersAndGroupsPage(deps, request, reply, admin, app, form, result.errors);
  return done(request, reply, base, `Created the app role ${result.value.displayName}.`);
}

export async function deleteRoleSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const loaded = await load(deps, request, reply);
  if (!loaded) return reply;
  const { admin, app, base } = loaded;
  const result = await attempt(() =>
    deleteAppRole(deps, admin.actor, admin.tenant.id, app.id, (request.params as Params).roleId ?? ''),
  );
  if (!result.ok) return usersAndGroupsPage(deps, request, reply, admin, app, {}, result.errors);
  return done(request, reply, base, 'Deleted the app role.');
}
