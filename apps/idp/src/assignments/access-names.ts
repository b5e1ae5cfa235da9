import { listApplications } from '../applications/applications.repository.ts';
import type { Db } from '../db/schema.ts';
import { applicationsAssignedTo } from './assignments.repository.ts';

// What a confirmation names when access goes: the applications a user or a group is assigned to.

async function namesOf(db: Db, tenantId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await listApplications(db, tenantId)).filter((a) => ids.includes(a.id)).map((a) => a.displayName);
}

/** The applications a user is assigned to, directly or through a group, by name. */
export async function applicationNamesOfUser(db: Db, tenantId: string, userId: string): Promise<string[]> {
  return namesOf(db, tenantId, await applicationsAssignedTo(db, userId));
}

/** The applications a group is assigned to, by name. */
export async function applicationNamesOfGroup(db: Db, tenantId: string, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('assignments')
    .select('application_id')
    .where('principal_type', '=', 'group')
    .where('principal_id', '=', groupId)
    .execute();
  return namesOf(db, tenantId, [...new Set(rows.map((r) => r.application_id))]);
}

/** "Sentry", "Sentry and Jira", "Sentry, Jira and Slack". */
export function andList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
