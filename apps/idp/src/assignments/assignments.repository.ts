import { sql } from 'kysely';
import type { Db } from '../db/schema.ts';

/** Entra's id for the implicit "Default Access" role (msiam_access) of an app that defines none. */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_ACCESS_NAME = 'Default Access';

export type PrincipalType = 'user' | 'group';

export interface AppRole {
  id: string;
  applicationId: string;
  displayName: string;
  /** What the role claim carries; null for a role that is not emitted. */
  value: string | null;
  description: string | null;
  createdAt: string;
}

export interface Assignment {
  id: string;
  applicationId: string;
  principalType: PrincipalType;
  principalId: string;
  principalName: string;
  appRoleId: string;
  roleName: string;
  createdAt: string;
}

export async function listAppRoles(db: Db, applicationId: string): Promise<AppRole[]> {
  const rows = await db
    .selectFrom('app_roles')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('display_name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    applicationId: row.application_id,
    displayName: row.display_name,
    value: row.value,
    description: row.description,
    createdAt: row.created_at,
  }));
}

export async function insertAppRole(db: Db, role: AppRole): Promise<void> {
  await db
    .insertInto('app_roles')
    .values({
      id: role.id,
      application_id: role.applicationId,
      display_name: role.displayName,
      value: role.value,
      description: role.description,
      created_at: role.createdAt,
    })
    .execute();
}

export async function deleteAppRoleRow(db: Db, roleId: string): Promise<void> {
  await db.deleteFrom('app_roles').where('id', '=', roleId).execute();
}

export async function listAssignments(db: Db, applicationId: string): Promise<Assignment[]> {
  const [rows, roles] = await Promise.all([
    db
      .selectFrom('assignments')
      .leftJoin('users', (join) =>
        join.onRef('users.id', '=', 'assignments.principal_id').on('assignments.principal_type', '=', 'user'),
      )
      .leftJoin('groups', (join) =>
        join
          .onRef('groups.id', '=', 'assignments.principal_id')
          .on('assignments.principal_type', '=', 'group'),
      )
      .select([
        'assignments.id',
        'assignments.application_id',
        'assignments.principal_type',
        'assignments.principal_id',
        'assignments.app_role_id',
        'assignments.created_at',
        'users.display_name as user_name',
        'users.user_principal_name as upn',
        'groups.display_name as group_name',
      ])
      .where('assignments.application_id', '=', applicationId)
      // A deleted user's assignments are kept (restoring brings them back) but not listed.
      .where((eb) =>
        eb.or([eb('assignments.principal_type', '=', 'group'), eb('users.deleted_at', 'is', null)]),
      )
      .orderBy('assignments.created_at')
      .orderBy('assignments.id')
      .execute(),
    listAppRoles(db, applicationId),
  ]);
  return rows.map((row) => ({
    id: row.id,
    applicationId: row.application_id,
    principalType: row.principal_type as PrincipalType,
    principalId: row.principal_id,
    principalName:
      row.principal_type === 'user'
        ? `${row.user_name ?? '(deleted user)'}${row.upn ? ` (${row.upn})` : ''}`
        : (row.group_name ?? '(deleted group)'),
    appRoleId: row.app_role_id,
    roleName:
      row.app_role_id === DEFAULT_ACCESS_ROLE_ID
        ? DEFAULT_ACCESS_NAME
        : (roles.find((r) => r.id === row.app_role_id)?.displayName ?? '(deleted role)'),
    createdAt: row.created_at,
  }));
}

export async function findAssignment(
  db: Db,
  key: { applicationId: string; principalType: PrincipalType; principalId: string; appRoleId: string },
): Promise<string | null> {
  const row = await db
    .selectFrom('assignments')
    .select('id')
    .where('application_id', '=', key.applicationId)
    .where('principal_type', '=', key.principalType)
    .where('principal_id', '=', key.principalId)
    .where('app_role_id', '=', key.appRoleId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function insertAssignment(
  db: Db,
  row: {
    id: string;
    applicationId: string;
    principalType: PrincipalType;
    principalId: string;
    appRoleId: string;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('assignments')
    .values({
      id: row.id,
      application_id: row.applicationId,
      principal_type: row.principalType,
      principal_id: row.principalId,
      app_role_id: row.appRoleId,
      created_at: row.at,
    })
    .execute();
}

export async function deleteAssignmentRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('assignments').where('id', '=', id).execute();
}

/** What a user may do in an application, as a sign-in needs it. */
export interface UserAccess {
  /** App role ids granted directly or through a group; empty when the user is not assigned. */
  roleIds: string[];
  /** The groups the user is a direct member of, by display name, each saying whether it is assigned. */
  groups: Array<{ id: string; displayName: string; assignedToApplication: boolean }>;
}

/**
 * A user's roles in an application and their groups, in one query (a sign-in reads both): every group
 * of the user with the roles it is assigned in the application (a row without a role when none),
 * then the user's direct assignments (rows without a group).
 */
export async function accessOf(db: Db, applicationId: string, userId: string): Promise<UserAccess> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .leftJoin('assignments', (join) =>
      join
        .onRef('assignments.principal_id', '=', 'groups.id')
        .on('assignments.principal_type', '=', 'group')
        .on('assignments.application_id', '=', applicationId),
    )
    // Typed as the direct assignments' rows below, which have no group.
    .select((eb) => [
      eb.ref('groups.id').$castTo<string | null>().as('group_id'),
      eb.ref('groups.display_name').$castTo<string | null>().as('display_name'),
      'assignments.app_role_id',
    ])
    .where('group_members.user_id', '=', userId)
    .unionAll(
      db
        .selectFrom('assignments')
        .select([
          sql<string | null>`null`.as('group_id'),
          sql<string | null>`null`.as('display_name'),
          'app_role_id',
        ])
        .where('application_id', '=', applicationId)
        .where('principal_type', '=', 'user')
        .where('principal_id', '=', userId),
    )
    .orderBy('display_name')
    .execute();
  const roleIds = new Set<string>();
  const groups = new Map<string, UserAccess['groups'][number]>();
  for (const row of rows) {
    if (row.app_role_id !== null) roleIds.add(row.app_role_id);
    if (row.group_id === null) continue;
    const group = groups.get(row.group_id) ?? {
      id: row.group_id,
      displayName: row.display_name ?? '',
      assignedToApplication: false,
    };
    if (row.app_role_id !== null) group.assignedToApplication = true;
    groups.set(row.group_id, group);
  }
  return { roleIds: [...roleIds], groups: [...groups.values()] };
}

/** Application ids a user is assigned to, directly or through a group. */
export async function applicationsAssignedTo(db: Db, userId: string): Promise<string[]> {
  const groups = db.selectFrom('group_members').select('group_id').where('user_id', '=', userId);
  const rows = await db
    .selectFrom('assignments')
    .select('application_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('principal_type', '=', 'user'), eb('principal_id', '=', userId)]),
        eb.and([eb('principal_type', '=', 'group'), eb('principal_id', 'in', groups)]),
      ]),
    )
    .execute();
  return [...new Set(rows.map((r) => r.application_id))];
}
