import { card, confirmLink, facts, field, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { attempt, formOf } from '../http/forms.ts';
import { selectField, textareaField } from '../http/inputs.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { listUsers } from '../users/users.repository.ts';
import { findGroup, listGroups, membersOf } from './groups.repository.ts';
import { addMember, createGroup } from './groups.service.ts';

type Params = { id: string };
const crumbs = (extra: Array<{ href?: string; label: string }> = []) => [
  { href: '/portal/groups', label: 'Groups' },
  ...extra,
];

export async function groupsList(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const groups = await listGroups(deps.db, admin.tenant.id);
  const body = html`<div class="actions"><a class="button" href="/portal/groups/new">New group</a></div>
${card(
  null,
  table(
    ['Name', 'Description', 'Members'],
    groups.map((g) => [
      html`<a href="/portal/groups/${g.id}">${g.displayName}</a>`,
      g.description ?? '',
      String(g.memberCount),
    ]),
    'No groups yet.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Groups',
    active: 'groups',
    body,
    breadcrumbs: crumbs(),
  });
}

function groupForm(admin: AdminContext, values: Record<string, string>, errors: Record<string, string>) {
  return html`<form method="post" action="/portal/groups" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Group name', name: 'displayName', value: values.displayName ?? '', required: true, placeholder: 'Sentry users', error: errors.displayName })}
${textareaField({ label: 'Group description', name: 'description', value: values.description ?? '', rows: 3, error: errors.description })}
<div class="actions"><button type="submit">Create</button> <a class="button secondary" href="/portal/groups">Cancel</a></div>
</form>`;
}

export async function newGroupPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return sendPortalPage(request, reply, admin, {
    title: 'New group',
    active: 'groups',
    body: groupForm(admin, {}, {}),
    breadcrumbs: crumbs([{ label: 'New group' }]),
  });
}

export async function createGroupSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const result = await attempt(() =>
    createGroup(deps, admin.actor, admin.tenant.id, {
      displayName: form.displayName ?? '',
      description: form.description,
    }),
  );
  if (!result.ok) {
    return sendPortalPage(request, reply, admin, {
      title: 'New group',
      active: 'groups',
      body: groupForm(admin, form, result.errors),
      breadcrumbs: crumbs([{ label: 'New group' }]),
      status: 400,
    });
  }
  return done(
    request,
    reply,
    `/portal/groups/${result.value.id}`,
    `Created the group ${result.value.displayName}.`,
  );
}

async function groupDetailPage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  errors: Record<string, string>,
) {
  const group = await findGroup(deps.db, admin.tenant.id, (request.params as Params).id);
  if (!group) throw notFound('The group');
  const members = await membersOf(deps.db, group.id);
  const candidates = (await listUsers(deps.db, admin.tenant.id)).filter(
    (u) => !members.some((m) => m.id === u.id),
  );
  const body = html`<div class="actions">${confirmLink(`/portal/groups/${group.id}/delete`, 'Delete group')}</div>
${card(
  'Overview',
  facts([
    ['Name', group.displayName],
    ['Object ID', html`<code>${group.id}</code>`],
    ['Description', group.description ?? ''],
    ['Members', String(members.length)],
  ]),
)}
${card(
  'Members',
  html`${table(
    ['Name', 'User principal name', ''],
    members.map((m) => [
      html`<a href="/portal/users/${m.id}">${m.displayName}</a>`,
      m.userPrincipalName,
      confirmLink(`/portal/groups/${group.id}/members/${m.id}/remove`, 'Remove', {
        kind: 'secondary',
        ariaLabel: `Remove ${m.displayName}`,
      }),
    ]),
    'No members yet.',
  )}
<form method="post" action="/portal/groups/${group.id}/members" class="add-member">
${hiddenCsrf(admin.csrf)}
${selectField({ label: 'Add member', name: 'userId', choices: candidates.map((u) => ({ value: u.id, label: `${u.displayName} (${u.userPrincipalName})` })), placeholder: 'Select a user', error: errors.userId })}
<button type="submit">Add</button>
</form>`,
)}`;
  return sendPortalPage(request, reply, admin, {
    title: group.displayName,
    active: 'groups',
    body,
    breadcrumbs: crumbs([{ label: group.displayName }]),
    status: Object.keys(errors).length > 0 ? 400 : 200,
  });
}

export async function groupDetail(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return groupDetailPage(deps, request, reply, admin, {});
}

export async function addMemberSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const { id } = request.params as Params;
  const result = await attempt(() =>
    addMember(deps, admin.actor, admin.tenant.id, id, formOf(request).userId ?? ''),
  );
  if (!result.ok) return groupDetailPage(deps, request, reply, admin, result.errors);
  return done(request, reply, `/portal/groups/${id}`, 'Member added.');
}

// Delete group and Remove (a member) are confirmed first: group-removals.routes.ts.
