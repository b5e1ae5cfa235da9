import { andList, applicationNamesOfUser } from '../assignments/access-names.ts';
import { notFound } from '../errors.ts';
import { groupsOfUser } from '../groups/groups.repository.ts';
import { formatTime } from '../http/inputs.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { DELETED_USER_RETENTION_DAYS, permanentDeletionOf } from './deleted-users.repository.ts';
import { findUserInTenant } from './users.repository.ts';
import { deleteUser } from './users.service.ts';

/** GET / POST `/portal/users/:id/delete`: what deleting the user takes away, then Delete. */
export const deleteUserAction = confirmedAction({
  load: async (deps, admin, params) => {
    const user = await findUserInTenant(deps.db, admin.tenant.id, params.id ?? '');
    if (!user) throw notFound('The user');
    return user;
  },
  confirm: async (deps, admin, user) => {
    const [apps, groups] = await Promise.all([
      applicationNamesOfUser(deps.db, admin.tenant.id, user.id),
      groupsOfUser(deps.db, user.id),
    ]);
    const name = user.displayName;
    const until = formatTime(permanentDeletionOf(deps.clock.now().toISOString())).slice(0, 10);
    return {
      title: `Delete ${name}`,
      active: 'users',
      breadcrumbs: [
        { href: '/portal/users', label: 'Users' },
        { href: `/portal/users/${user.id}`, label: name },
        { label: 'Delete' },
      ],
      question: `Delete ${name} (${user.userPrincipalName})?`,
      consequences: [
        `${name} can no longer sign in; sessions already open end at their next request.`,
        apps.length > 0
          ? `${name} will lose access to ${andList(apps)}.`
          : `${name} is assigned to no application.`,
        groups.length > 0 ? `${name} leaves ${andList(groups.map((g) => g.displayName))}.` : null,
        `${name} stays ${DELETED_USER_RETENTION_DAYS} days under Users › Deleted users (until ${until}): Restore brings the account back with its assignments and group memberships. After that it is deleted permanently.`,
      ].filter((c) => c !== null),
      confirmLabel: `Delete ${name}`,
      cancelHref: `/portal/users/${user.id}`,
    };
  },
  act: async (deps, admin, user) => {
    await deleteUser(deps, admin.actor, admin.tenant.id, user.id);
    return {
      location: '/portal/users',
      message: `Deleted ${user.displayName}. Restore is under Deleted users for ${DELETED_USER_RETENTION_DAYS} days.`,
    };
  },
});
