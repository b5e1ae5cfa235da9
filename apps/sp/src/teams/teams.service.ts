import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import { type Db, isUniqueViolation } from '../db/db.ts';
import { slugify } from '../organizations/slug.ts';
import { ValidationError } from '../validation.ts';
import {
  addTeamMembers,
  deleteTeam,
  insertTeam,
  membershipsOfOrganization,
  removeTeamMembers,
  type Team,
  updateTeam,
} from './teams.repository.ts';

// Teams of an organization, changed by its owners and managers (pages) or by its directory (SCIM
// Groups). Every change is in the audit log; `actorUserId` null means SCIM.

export const MAX_TEAM_NAME = 64;

/** Why `name` cannot name a team, or null. */
export function teamNameProblem(name: string): string | null {
  if (name === '' || name.length > MAX_TEAM_NAME)
    return `Enter a name of at most ${MAX_TEAM_NAME} characters.`;
  if (slugify(name) === '') return 'Use at least one letter or digit.';
  return null;
}

export class TeamSlugTaken extends Error {
  readonly slug: string;
  constructor(slug: string) {
    super(`A team with the slug “${slug}” already exists.`);
    this.name = 'TeamSlugTaken';
    this.slug = slug;
  }
}

/**
 * A new team named `name`, its slug made from the name (Sentry's rule).
 *
 * @throws {ValidationError} on `name` when the name is not acceptable.
 * @throws {TeamSlugTaken} when the organization has a team with that slug.
 */
export async function createTeam(
  db: Db,
  clock: Clock,
  input: {
    organizationId: string;
    name: string;
    actorUserId: string | null;
    externalId?: string | null;
  },
): Promise<Team> {
  const name = input.name.trim();
  const problem = teamNameProblem(name);
  if (problem) throw new ValidationError({ name: problem });
  const now = nowIso(clock);
  const team: Team = {
    id: randomUUID(),
    organizationId: input.organizationId,
    slug: slugify(name),
    name,
    externalId: input.externalId ?? null,
    idpProvisioned: input.actorUserId === null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await insertTeam(db, team);
  } catch (error) {
    if (isUniqueViolation(error)) throw new TeamSlugTaken(team.slug);
    throw error;
  }
  await recordAudit(db, clock, {
    organizationId: input.organizationId,
    actorUserId: input.actorUserId,
    action: 'team.created',
    detail: { teamId: team.id, slug: team.slug, ...(input.actorUserId === null ? { via: 'SCIM' } : {}) },
  });
  return team;
}

/** Renames a team (its slug, which addresses it, stays). @throws {ValidationError} on `name`. */
export async function renameTeam(
  db: Db,
  clock: Clock,
  input: { team: Team; name: string; actorUserId: string | null },
): Promise<void> {
  const name = input.name.trim();
  const problem = teamNameProblem(name);
  if (problem) throw new ValidationError({ name: problem });
  if (name === input.team.name) return;
  await updateTeam(db, input.team.id, { name, updatedAt: nowIso(clock) });
  await recordAudit(db, clock, {
    organizationId: input.team.organizationId,
    actorUserId: input.actorUserId,
    action: 'team.renamed',
    detail: { teamId: input.team.id, from: input.team.name, to: name },
  });
}

export async function removeTeam(
  db: Db,
  clock: Clock,
  input: { team: Team; actorUserId: string | null },
): Promise<void> {
  await deleteTeam(db, input.team.id);
  await recordAudit(db, clock, {
    organizationId: input.team.organizationId,
    actorUserId: input.actorUserId,
    action: 'team.deleted',
    detail: { teamId: input.team.id, slug: input.team.slug },
  });
}

/**
 * Adds and removes members of a team. Every id added must be a membership of the team's
 * organization: returns those that are not (and changes nothing) when any is not.
 */
export async function changeTeamMembers(
  db: Db,
  clock: Clock,
  input: { team: Team; add: readonly string[]; remove: readonly string[]; actorUserId: string | null },
): Promise<{ unknown: string[] }> {
  const known = await membershipsOfOrganization(db, input.team.organizationId, input.add);
  const unknown = input.add.filter((id) => !known.has(id));
  if (unknown.length > 0) return { unknown };
  const now = nowIso(clock);
  await addTeamMembers(db, input.team.id, input.add, now);
  const removed = await removeTeamMembers(db, input.team.id, input.remove);
  if (input.add.length > 0 || removed > 0) await updateTeam(db, input.team.id, { updatedAt: now });
  for (const [action, ids] of [
    ['team.member-added', input.add],
    ['team.member-removed', removed > 0 ? input.remove : []],
  ] as const) {
    if (ids.length === 0) continue;
    await recordAudit(db, clock, {
      organizationId: input.team.organizationId,
      actorUserId: input.actorUserId,
      action,
      detail: { teamId: input.team.id, membershipIds: [...ids] },
    });
  }
  return { unknown: [] };
}
