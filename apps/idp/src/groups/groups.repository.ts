import type { Db } from '../db/schema.ts';
import { toUser, type User } from '../users/users.repository.ts';

export interface Group {
  id: string;
  tenantId: string;
  displayName: string;
  description: string | null;
  memberCount: number;
  createdAt: string;
}

export async function listGroups(db: Db, tenantId: string): Promise<Group[]> {
  const rows = await db
    .selectFrom('groups')
    .leftJoin('group_members', 'group_members.group_id', 'groups.id')
    // A deleted user's membership is kept (restoring brings it back) but not counted.
    .leftJoin('users', (join) =>
      join.onRef('users.id', '=', 'group_members.user_id').on('users.deleted_at', 'is', null),
    )
    .select((eb) => [
      'groups.id',
      'groups.tenant_id',
      'groups.display_name',
      'groups.description',
      'groups.created_at',
      eb.fn.count<number>('users.id').as('member_count'),
    ])
    .where('groups.tenant_id', '=', tenantId)
    .groupBy([
      'groups.id',
      'groups.tenant_id',
      'groups.display_name',
      'groups.description',
      'groups.created_at',
    ])
    .orderBy('groups.display_name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    description: row.description,
    memberCount: Number(row.member_count),
    createdAt: row.created_at,
  }));
}

export async function findGroup(db: Db, tenantId: string, id: string): Promise<Group | null> {
  const groups = await listGroups(db, tenantId);
  return groups.find((g) => g.id === id) ?? null;
}

export async function membersOf(db: Db, groupId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .selectAll('users')
    .where('group_members.group_id', '=', groupId)
    .where('users.deleted_at', 'is', null)
    .orderBy('users.display_name')
    .execute();
  return rows.map(toUser);
}

/** The groups a user is a direct member of (Federa has no nested groups). */
export async function groupsOfUser(
  db: Db,
  userId: string,
): Promise<Array<{ id: string; displayName: string }>> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['groups.id', 'groups.display_name'])
    .where('group_members.user_id', '=', userId)
    .orderBy('groups.display_name')
    .execute();
  return rows.map((row) => ({ id: row.id, displayName: row.display_name }));
}

export async function insertGroup(
  db: Db,
  group: { id: string; tenantId: string; displayName: string; description: string | null; at: string },
): Promise<void> {
  await db
    .insertInto('groups')
    .values({
      id: group.id,
      tenant_id: group.tenantId,
      display_name: group.displayName,
      description: group.description,
      created_at: group.at,
    })
    .execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db
    .deleteFrom('assignments')
    .where('principal_type', '=', 'group')
    .where('principal_id', '=', id)
    .execute();
  await db.deleteFrom('group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function isMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertMember(db: Db, groupId: string, userId: string, at: string): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, user_id: userId, created_at: at })
    .execute();
}

export async function deleteMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .execute();
}
