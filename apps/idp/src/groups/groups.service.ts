import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, notFound } from '../errors.ts';
import { findUserInTenant } from '../users/users.repository.ts';
import {
  deleteGroupRow,
  deleteMember,
  findGroup,
  type Group,
  insertGroup,
  insertMember,
  isMember,
  listGroups,
} from './groups.repository.ts';

export async function createGroup(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: { displayName: string; description?: string | null | undefined },
): Promise<Group> {
  const displayName = input.displayName.trim();
  const description = (input.description ?? '').trim() || null;
  return inTransaction(deps.db, async (db) => {
    const errors = new FieldErrors();
    if (displayName === '') errors.add('displayName', 'Enter the group name.');
    else if (displayName.length > 256) errors.add('displayName', 'The name can be at most 256 characters.');
    else if (
      (await listGroups(db, tenantId)).some((g) => g.displayName.toLowerCase() === displayName.toLowerCase())
    ) {
      errors.add('displayName', `A group named ${displayName} already exists.`);
    }
    if (description && description.length > 1024)
      errors.add('description', 'The description can be at most 1024 characters.');
    errors.throwIfAny();
    const id = newId();
    const at = nowIso(deps);
    await insertGroup(db, { id, tenantId, displayName, description, at });
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'GroupManagement',
      activity: 'Add group',
      targetType: 'Group',
      targetId: id,
      targetName: displayName,
      details: { description },
    });
    return (await findGroup(db, tenantId, id))!;
  });
}

export async function deleteGroup(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  groupId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const group = await findGroup(db, tenantId, groupId);
    if (!group) throw notFound('The group');
    const at = nowIso(deps);
    await deleteGroupRow(db, groupId);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'GroupManagement',
      activity: 'Delete group',
      targetType: 'Group',
      targetId: groupId,
      targetName: group.displayName,
    });
  });
}

export async function addMember(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  groupId: string,
  userId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const group = await findGroup(db, tenantId, groupId);
    if (!group) throw notFound('The group');
    const errors = new FieldErrors();
    const user = await findUserInTenant(db, tenantId, userId);
    if (!user) errors.add('userId', 'Choose a user of this tenant.');
    else if (await isMember(db, groupId, userId))
      errors.add('userId', `${user.displayName} is already a member.`);
    errors.throwIfAny();
    const at = nowIso(deps);
    await insertMember(db, groupId, userId, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'GroupManagement',
      activity: 'Add member to group',
      targetType: 'Group',
      targetId: groupId,
      targetName: group.displayName,
      details: { userId, userPrincipalName: user!.userPrincipalName },
    });
  });
}

export async function removeMember(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  groupId: string,
  userId: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const group = await findGroup(db, tenantId, groupId);
    if (!group) throw notFound('The group');
    const user = await findUserInTenant(db, tenantId, userId);
    if (!user || !(await isMember(db, groupId, userId))) throw notFound('The member');
    const at = nowIso(deps);
    await deleteMember(db, groupId, userId);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'GroupManagement',
      activity: 'Remove member from group',
      targetType: 'Group',
      targetId: groupId,
      targetName: group.displayName,
      details: { userId, userPrincipalName: user.userPrincipalName },
    });
  });
}
