import { andList, applicationNamesOfGroup } from '../assignments/access-names.ts';
import { notFound } from '../errors.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { findUserInTenant } from '../users/users.repository.ts';
import { findGroup, isMember } from './groups.repository.ts';
import { deleteGroup, removeMember } from './groups.service.ts';

// Deleting a group and removing a member from one, each confirmed with what access goes with it.

const groupCrumbs = (group: { id: string; displayName: string }, last: string) => [
  { href: '/portal/groups', label: 'Groups' },
  { href: `/portal/groups/${group.id}`, label: group.displayName },
  { label: last },
];

/** GET / POST `/portal/groups/:id/delete`. */
export const deleteGroupAction = confirmedAction({
  load: async (deps, admin, params) => {
    const group = await findGroup(deps.db, admin.tenant.id, params.id ?? '');
    if (!group) throw notFound('The group');
    return group;
  },
  confirm: async (deps, admin, group) => {
    const apps = await applicationNamesOfGroup(deps.db, admin.tenant.id, group.id);
    return {
      title: `Delete ${group.displayName}`,
      active: 'groups',
      breadcrumbs: groupCrumbs(group, 'Delete'),
      question: `Delete the group ${group.displayName}?`,
      consequences: [
        `Its ${group.memberCount} member${group.memberCount === 1 ? '' : 's'} leave it; the users themselves are not deleted.`,
        apps.length > 0
          ? `Its members will lose access to ${andList(apps)}, unless assigned another way.`
          : 'It is assigned to no application.',
        'A deleted group cannot be restored.',
      ],
      confirmLabel: `Delete ${group.displayName}`,
      cancelHref: `/portal/groups/${group.id}`,
    };
  },
  act: async (deps, admin, group) => {
    await deleteGroup(deps, admin.actor, admin.tenant.id, group.id);
    return { location: '/portal/groups', message: `Deleted the group ${group.displayName}.` };
  },
});

/** GET / POST `/portal/groups/:id/members/:userId/remove`. */
export const removeMemberAction = confirmedAction({
  load: async (deps, admin, params) => {
    const group = await findGroup(deps.db, admin.tenant.id, params.id ?? '');
    if (!group) throw notFound('The group');
    const user = await findUserInTenant(deps.db, admin.tenant.id, params.userId ?? '');
    if (!user || !(await isMember(deps.db, group.id, user.id))) throw notFound('The member');
    return { group, user };
  },
  confirm: async (deps, admin, { group, user }) => {
    const apps = await applicationNamesOfGroup(deps.db, admin.tenant.id, group.id);
    return {
      title: `Remove ${user.displayName} from ${group.displayName}`,
      active: 'groups',
      breadcrumbs: groupCrumbs(group, 'Remove member'),
      question: `Remove ${user.displayName} (${user.userPrincipalName}) from ${group.displayName}?`,
      consequences: [
        apps.length > 0
          ? `${user.displayName} will lose access to ${andList(apps)}, unless assigned another way.`
          : `${group.displayName} is assigned to no application: no access goes with it.`,
      ],
      confirmLabel: 'Remove member',
      cancelHref: `/portal/groups/${group.id}`,
    };
  },
  act: async (deps, admin, { group, user }) => {
    await removeMember(deps, admin.actor, admin.tenant.id, group.id, user.id);
    return { location: `/portal/groups/${group.id}`, message: `Removed ${user.displayName}.` };
  },
});
