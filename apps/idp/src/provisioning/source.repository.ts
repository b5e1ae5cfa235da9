import type { Db } from '../db/schema.ts';
import type { ProvisioningScope } from './config.repository.ts';
import type { SourceValues } from './mappings.ts';

// What a cycle reads from the directory: the users and groups in the application's scope. Entra's
// assignment scoping: users assigned directly or as direct members of an assigned group (no nested
// groups). Deleted users (30-day recycle bin) keep their assignments and memberships, and are read too:
// they are in scope but soft-deleted, which deprovisions them.

export interface SourceUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  accountEnabled: boolean;
  softDeleted: boolean;
}

export interface SourceGroup {
  id: string;
  displayName: string;
  /** Source user ids of direct members (deleted users included). */
  memberIds: string[];
}

export interface SourceScope {
  /** Every user of the tenant that exists (deleted ones included), by id. */
  users: Map<string, SourceUser>;
  /** Ids of users in scope. */
  inScope: Set<string>;
  /** Groups in scope (assigned, or all with scope `all`). */
  groups: SourceGroup[];
  /** Every group of the tenant that exists, by id. */
  groupIds: Set<string>;
}

export async function readSourceScope(
  db: Db,
  tenantId: string,
  applicationId: string,
  scope: ProvisioningScope,
): Promise<SourceScope> {
  const [userRows, groupRows, memberRows, assignmentRows] = await Promise.all([
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('groups').select(['id', 'display_name']).where('tenant_id', '=', tenantId).execute(),
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.group_id', 'group_members.user_id'])
      .where('groups.tenant_id', '=', tenantId)
      .execute(),
    db
      .selectFrom('assignments')
      .select(['principal_type', 'principal_id'])
      .where('application_id', '=', applicationId)
      .execute(),
  ]);
  const users = new Map<string, SourceUser>();
  for (const row of userRows) {
    users.set(row.id, {
      id: row.id,
      userPrincipalName: row.user_principal_name,
      displayName: row.display_name,
      mail: row.mail,
      givenName: row.given_name,
      surname: row.surname,
      accountEnabled: row.account_enabled === 1,
      softDeleted: row.deleted_at !== null,
    });
  }
  const members = new Map<string, string[]>();
  for (const row of memberRows) {
    const list = members.get(row.group_id) ?? [];
    list.push(row.user_id);
    members.set(row.group_id, list);
  }
  const assignedGroups = new Set(
    assignmentRows.filter((a) => a.principal_type === 'group').map((a) => a.principal_id),
  );
  const groups = groupRows
    .filter((g) => scope === 'all' || assignedGroups.has(g.id))
    .map((g) => ({ id: g.id, displayName: g.display_name, memberIds: members.get(g.id) ?? [] }));
  const inScope = new Set<string>();
  if (scope === 'all') for (const id of users.keys()) inScope.add(id);
  else {
    for (const a of assignmentRows)
      if (a.principal_type === 'user' && users.has(a.principal_id)) inScope.add(a.principal_id);
    for (const g of groups) for (const id of g.memberIds) if (users.has(id)) inScope.add(id);
  }
  return { users, inScope, groups, groupIds: new Set(groupRows.map((g) => g.id)) };
}

/**
 * The values mappings read of a user. IsSoftDeleted is Entra's: true when the user is deleted,
 * blocked (accountEnabled false) or no longer in scope (unassigned).
 */
export function sourceValues(user: SourceUser, inScope: boolean): SourceValues {
  const softDeleted = user.softDeleted || !user.accountEnabled || !inScope;
  return {
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    mailNickname: user.userPrincipalName.split('@')[0] ?? null,
    givenName: user.givenName,
    surname: user.surname,
    displayName: user.displayName,
    objectId: user.id,
    accountEnabled: user.accountEnabled ? 'True' : 'False',
    IsSoftDeleted: softDeleted ? 'True' : 'False',
  };
}
