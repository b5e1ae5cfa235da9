import type { Db } from '../db/schema.ts';
import { groupsOfUser } from '../groups/groups.repository.ts';
import { listUsers, type User } from '../users/users.repository.ts';
import type { PolicyInput } from './policy.ts';

/** The tenant's administrators, the first made first (the one the break-glass exclusion offers). */
export async function administratorsOf(db: Db, tenantId: string): Promise<User[]> {
  const users = await listUsers(db, tenantId);
  return users
    .filter((u) => u.isAdmin)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Entra's "Don't lock yourself out!": an enabled policy that blocks every resource for every
 * administrator of the tenant (whatever its location or platform conditions, which an administrator
 * cannot count on meeting) leaves nobody to undo it. Returns the explanation, or null when at least
 * one administrator stays out of its scope.
 */
export async function lockoutProblem(db: Db, tenantId: string, policy: PolicyInput): Promise<string | null> {
  if (policy.state !== 'enabled') return null;
  if (!policy.grantControls?.builtInControls.includes('block')) return null;
  if (!policy.conditions.applications.includeApplications.includes('All')) return null;
  const admins = await administratorsOf(db, tenantId);
  if (admins.length === 0) return null;
  const { users } = policy.conditions;
  for (const admin of admins) {
    const groups = (await groupsOfUser(db, admin.id)).map((g) => g.id);
    const inGroups = (ids: readonly string[]) => ids.some((id) => groups.includes(id));
    const included =
      users.includeUsers.includes('All') ||
      users.includeUsers.includes(admin.id) ||
      inGroups(users.includeGroups);
    const excluded = users.excludeUsers.includes(admin.id) || inGroups(users.excludeGroups);
    if (!included || excluded) return null;
  }
  const first = admins[0]!;
  return `Don’t lock yourself out! This policy would block every administrator of the tenant (${admins
    .map((a) => a.userPrincipalName)
    .join(
      ', ',
    )}) from every application, and nobody could turn it off. Exclude an emergency access (break-glass) account under Users › Exclude, e.g. ${first.userPrincipalName}, or start it in Report-only.`;
}
