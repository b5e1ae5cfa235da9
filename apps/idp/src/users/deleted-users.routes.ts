import { AppError, card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { actionButton, formatTime } from '../http/inputs.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { done, requireAdmin, sendPortalPage, setFlash } from '../portal/portal.ts';
import {
  DELETED_USER_RETENTION_DAYS,
  findDeletedUser,
  listDeletedUsers,
} from './deleted-users.repository.ts';
import { deleteUserPermanently, restoreUser } from './deleted-users.service.ts';

// Users › Deleted users, as Entra shows it: each deleted user with the deletion date and the date the
// user will be deleted permanently; Restore, or Delete permanently (after a confirmation).

const crumbs = (extra: Array<{ href?: string; label: string }> = []) => [
  { href: '/portal/users', label: 'Users' },
  { href: '/portal/users/deleted', label: 'Deleted users' },
  ...extra,
];

/** GET `/portal/users/deleted`. */
export async function deletedUsersPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const users = await listDeletedUsers(deps.db, admin.tenant.id);
  const body = html`<p>Deleted users can be restored, with their assignments and group memberships, for ${DELETED_USER_RETENTION_DAYS} days. Then they are deleted permanently.</p>
${card(
  null,
  table(
    ['Display name', 'User principal name', 'Deletion date', 'Permanent deletion date', ''],
    users.map((u) => [
      u.displayName,
      u.userPrincipalName,
      formatTime(u.deletedAt),
      formatTime(u.permanentDeletionAt),
      html`${actionButton(`/portal/users/deleted/${u.id}/restore`, admin.csrf, 'Restore', { kind: 'secondary' })} <a class="button danger" href="/portal/users/deleted/${u.id}/delete" aria-label="Delete ${u.displayName} permanently">Delete permanently</a>`,
    ]),
    'No deleted users.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Deleted users',
    active: 'users',
    body,
    breadcrumbs: crumbs(),
  });
}

/** POST `/portal/users/deleted/:id/restore`: nothing is lost by it, so it needs no confirmation. */
export async function restoreUserSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  try {
    const user = await restoreUser(deps, admin.actor, admin.tenant.id, (request.params as { id: string }).id);
    return await done(request, reply, `/portal/users/${user.id}`, `Restored ${user.displayName}.`);
  } catch (error) {
    // The user name taken meanwhile, or its domain removed: say so on the list, where the fix starts.
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    await setFlash(request, error.message, 'error');
    return reply.redirect('/portal/users/deleted', 303);
  }
}

/** GET / POST `/portal/users/deleted/:id/delete`. */
export const deletePermanentlyAction = confirmedAction({
  load: async (deps, admin, params) => {
    const user = await findDeletedUser(deps.db, admin.tenant.id, params.id ?? '');
    if (!user) throw notFound('The deleted user');
    return user;
  },
  confirm: async (_deps, _admin, user) => ({
    title: `Delete ${user.displayName} permanently`,
    active: 'users',
    breadcrumbs: crumbs([{ label: user.displayName }]),
    question: `Delete ${user.displayName} (${user.userPrincipalName}) permanently?`,
    consequences: [
      `${user.displayName} can no longer be restored: the account, its assignments and its group memberships are deleted for good.`,
      `Sign-in and audit logs keep their entries about ${user.displayName}.`,
    ],
    confirmLabel: 'Delete permanently',
    cancelHref: '/portal/users/deleted',
  }),
  act: async (deps, admin, user) => {
    await deleteUserPermanently(deps, admin.actor, admin.tenant.id, user.id);
    return { location: '/portal/users/deleted', message: `Deleted ${user.displayName} permanently.` };
  },
});
