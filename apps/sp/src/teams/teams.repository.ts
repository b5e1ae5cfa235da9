import type { Selectable } from 'kysely';
import type { Db } from '../db/db.ts';
import type { TeamsTable } from '../db/schema.ts';

export interface Team {
  id: string;
  organizationId: string;
  slug: string;
  name: string;
  /** The IdP's id of the group SCIM provisioned it from. */
  externalId: string | null;
  idpProvisioned: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TeamMember {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  suspended: boolean;
}

function toTeam(row: Selectable<TeamsTable>): Team {
  return {
    id: row.id,
    organizationId: row.organization_id,
    slug: row.slug,
    name: row.name,
    externalId: row.external_id,
    idpProvisioned: row.idp_provisioned === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertTeam(db: Db, team: Team): Promise<void> {
  await db
    .insertInto('teams')
    .values({
      id: team.id,
      organization_id: team.organizationId,
      slug: team.slug,
      name: team.name,
      external_id: team.externalId,
      idp_provisioned: team.idpProvisioned ? 1 : 0,
      created_at: team.createdAt,
      updated_at: team.updatedAt,
    })
    .execute();
}

export async function findTeamBySlug(db: Db, organizationId: string, slug: string): Promise<Team | null> {
  const row = await db
    .selectFrom('teams')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row ? toTeam(row) : null;
}

export async function findTeamById(db: Db, organizationId: string, id: string): Promise<Team | null> {
  const row = await db
    .selectFrom('teams')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toTeam(row) : null;
}

/** The organization's teams by name, each with its number of members. */
export async function listTeams(
  db: Db,
  organizationId: string,
): Promise<Array<Team & { memberCount: number }>> {
  const rows = await db
    .selectFrom('teams')
    .leftJoin('team_members', 'team_members.team_id', 'teams.id')
    .selectAll('teams')
    .select((eb) => eb.fn.count<string | number>('team_members.membership_id').as('member_count'))
    .where('teams.organization_id', '=', organizationId)
    .groupBy([
      'teams.id',
      'teams.organization_id',
      'teams.slug',
      'teams.name',
      'teams.external_id',
      'teams.idp_provisioned',
      'teams.created_at',
      'teams.updated_at',
    ])
    .orderBy('teams.name')
    .orderBy('teams.id')
    .execute();
  return rows.map((row) => ({ ...toTeam(row), memberCount: Number(row.member_count) }));
}

export async function updateTeam(
  db: Db,
  id: string,
  change: { name?: string; externalId?: string | null; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('teams')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.externalId !== undefined ? { external_id: change.externalId } : {}),
      updated_at: change.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteTeam(db: Db, id: string): Promise<void> {
  await db.deleteFrom('teams').where('id', '=', id).execute();
}

/** Members of the teams `teamIds`, by team id, in the order they were added. */
export async function listTeamMembers(
  db: Db,
  teamIds: readonly string[],
): Promise<Map<string, TeamMember[]>> {
  const byTeam = new Map<string, TeamMember[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return byTeam;
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('memberships', 'memberships.id', 'team_members.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'team_members.team_id',
      'memberships.id as membership_id',
      'users.id as user_id',
      'users.email',
      'users.name',
      'memberships.suspended_at',
    ])
    .where('team_members.team_id', 'in', [...teamIds])
    .orderBy('team_members.created_at')
    .orderBy('users.email')
    .execute();
  for (const row of rows) {
    byTeam.get(row.team_id)?.push({
      membershipId: row.membership_id,
      userId: row.user_id,
      email: row.email,
      name: row.name,
      suspended: row.suspended_at !== null,
    });
  }
  return byTeam;
}

/** Adds members (already members are left as they are). */
export async function addTeamMembers(
  db: Db,
  teamId: string,
  membershipIds: readonly string[],
  at: string,
): Promise<void> {
  if (membershipIds.length === 0) return;
  const existing = new Set(
    (
      await db
        .selectFrom('team_members')
        .select('membership_id')
        .where('team_id', '=', teamId)
        .where('membership_id', 'in', [...membershipIds])
        .execute()
    ).map((row) => row.membership_id),
  );
  const added = [...new Set(membershipIds)].filter((id) => !existing.has(id));
  if (added.length === 0) return;
  await db
    .insertInto('team_members')
    .values(added.map((membershipId) => ({ team_id: teamId, membership_id: membershipId, created_at: at })))
    .execute();
}

export async function removeTeamMembers(
  db: Db,
  teamId: string,
  membershipIds: readonly string[],
): Promise<number> {
  if (membershipIds.length === 0) return 0;
  const result = await db
    .deleteFrom('team_members')
    .where('team_id', '=', teamId)
    .where('membership_id', 'in', [...membershipIds])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Of `membershipIds`, those that are memberships of the organization. */
export async function membershipsOfOrganization(
  db: Db,
  organizationId: string,
  membershipIds: readonly string[],
): Promise<Set<string>> {
  if (membershipIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', 'in', [...membershipIds])
    .execute();
  return new Set(rows.map((row) => row.id));
}
