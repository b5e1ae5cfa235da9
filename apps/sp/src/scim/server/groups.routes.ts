import type { Clock } from '@federa/saml';
import {
  applyPatch,
  filterPredicate,
  GROUP_RESOURCE,
  GROUP_SCHEMA,
  paginate,
  readPage,
  ScimError,
} from '@federa/scim';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { Db } from '../../db/db.ts';
import {
  findTeamById,
  listTeamMembers,
  listTeams,
  type Team,
  type TeamMember,
  updateTeam,
} from '../../teams/teams.repository.ts';
import {
  changeTeamMembers,
  createTeam,
  removeTeam,
  renameTeam,
  TeamSlugTaken,
} from '../../teams/teams.service.ts';
import { ValidationError } from '../../validation.ts';
import { type ScimScope, scimHandler } from './bearer.ts';
import { checkIfMatch, etagOf, notModified, project, ScimHttpError, sendScim } from './http.ts';

// /Groups (RFC 7644 §3) = the organization's teams, as Sentry maps them. Members are User ids
// (membership ids). Entra's member shapes all work: add `{"op":"Add","path":"members","value":[…]}`,
// remove by a value list (every listed member goes, not only the first as in Sentry) or by
// `members[value eq "…"]`, rename by path or by a pathless value map.

type Json = Record<string, unknown>;

function toScimGroup(team: Team, members: TeamMember[], base: string): Json {
  const group: Json = {
    schemas: [GROUP_SCHEMA],
    id: team.id,
    ...(team.externalId ? { externalId: team.externalId } : {}),
    displayName: team.name,
    members: members.map((m) => ({
      value: m.membershipId,
      display: m.email,
      $ref: `${base}/Users/${m.membershipId}`,
      type: 'User',
    })),
    meta: {
      resourceType: 'Group',
      created: team.createdAt,
      lastModified: team.updatedAt,
      location: `${base}/Groups/${team.id}`,
    },
  };
  (group.meta as Json).version = etagOf(group);
  return group;
}

const idOf = (request: FastifyRequest): string => (request.params as { id: string }).id;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function read(body: Json, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** The member ids of a Group body (`members: [{value}]`); invalidValue when malformed. */
function memberIds(body: Json): string[] | undefined {
  const members = read(body, 'members');
  if (members === undefined || members === null) return undefined;
  if (!Array.isArray(members))
    throw new ScimError('invalidValue', '\'members\' must be a list of {"value": userId}.');
  return members.map((member) => {
    const value = isObject(member) ? read(member, 'value') : undefined;
    if (typeof value !== 'string' || value === '')
      throw new ScimError('invalidValue', 'Each member needs a "value": the id of a User.');
    return value;
  });
}

function displayNameOf(body: Json): string {
  const value = read(body, 'displayName');
  if (typeof value !== 'string' || value.trim() === '')
    throw new ScimError('invalidValue', "'displayName' is required.");
  return value;
}

function refuseUnknown(unknown: string[]): void {
  if (unknown.length > 0) {
    throw new ScimError(
      'invalidValue',
      `User not found: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
    );
  }
}

async function load(db: Db, scope: ScimScope, id: string): Promise<{ team: Team; members: TeamMember[] }> {
  const team = await findTeamById(db, scope.organization.id, id);
  if (!team) throw new ScimHttpError(404, 'Group not found.');
  return { team, members: (await listTeamMembers(db, [team.id])).get(team.id) ?? [] };
}

async function named<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ScimError('invalidValue', `'displayName': ${error.fields.name}`);
    if (error instanceof TeamSlugTaken) throw new ScimError('uniqueness', error.message);
    throw error;
  }
}

/** Makes the team what `desired` (a whole Group) says, inside the caller's transaction. */
async function applyGroup(
  trx: Db,
  clock: Clock,
  team: Team,
  members: TeamMember[],
  desired: unknown,
): Promise<void> {
  if (!isObject(desired)) throw new ScimError('invalidSyntax', 'The body must be a JSON object (a Group).');
  await named(() => renameTeam(trx, clock, { team, name: displayNameOf(desired), actorUserId: null }));
  const externalId = read(desired, 'externalId');
  if (typeof externalId === 'string' && externalId !== team.externalId) {
    await updateTeam(trx, team.id, { externalId, updatedAt: team.updatedAt });
  }
  const wanted = memberIds(desired) ?? [];
  const current = new Set(members.map((m) => m.membershipId));
  const { unknown } = await changeTeamMembers(trx, clock, {
    team,
    add: wanted.filter((id) => !current.has(id)),
    remove: [...current].filter((id) => !wanted.includes(id)),
    actorUserId: null,
  });
  refuseUnknown(unknown);
}

/** GET /Groups?filter=displayName eq "…"&excludedAttributes=members */
export function listGroups(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const query = request.query as { filter?: string; startIndex?: string; count?: string };
    const page = readPage(query);
    const teams = await listTeams(ctx.db, scope.organization.id);
    const byTeam = await listTeamMembers(
      ctx.db,
      teams.map((t) => t.id),
    );
    let groups = teams.map((team) => toScimGroup(team, byTeam.get(team.id) ?? [], scope.base));
    if (query.filter) groups = groups.filter(filterPredicate(query.filter, GROUP_RESOURCE));
    const list = paginate(groups, page);
    return sendScim(reply, 200, { ...list, Resources: list.Resources.map((group) => project(group, query)) });
  });
}

/** POST /Groups: a team (slug from displayName, 409 `uniqueness` when taken) with its members. */
export function createGroup(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const body = request.body;
    if (!isObject(body)) throw new ScimError('invalidSyntax', 'The body must be a JSON object (a Group).');
    const name = displayNameOf(body);
    const externalId = read(body, 'externalId');
    const ids = memberIds(body) ?? [];
    const created = await ctx.db.transaction().execute(async (trx) => {
      const team = await named(() =>
        createTeam(trx, ctx.clock, {
          organizationId: scope.organization.id,
          name,
          actorUserId: null,
          externalId: typeof externalId === 'string' ? externalId : null,
        }),
      );
      refuseUnknown(
        (await changeTeamMembers(trx, ctx.clock, { team, add: ids, remove: [], actorUserId: null })).unknown,
      );
      return load(trx, scope, team.id);
    });
    request.log.info({ teamId: created.team.id }, 'SCIM group created');
    const group = toScimGroup(created.team, created.members, scope.base);
    reply.header('location', `${scope.base}/Groups/${created.team.id}`);
    reply.header('etag', (group.meta as { version: string }).version);
    return sendScim(reply, 201, group);
  });
}

/** GET /Groups/{id} */
export function getGroup(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const { team, members } = await load(ctx.db, scope, idOf(request));
    const group = toScimGroup(team, members, scope.base);
    const version = (group.meta as { version: string }).version;
    reply.header('etag', version);
    if (notModified(request, version)) return reply.status(304).send();
    return sendScim(reply, 200, project(group, request.query));
  });
}

/** PUT and PATCH /Groups/{id}, in one transaction: whole or not at all. PATCH answers 204, as Entra expects. */
function changeGroup(ctx: Context, kind: 'put' | 'patch') {
  return scimHandler(ctx, async (request, reply, scope) => {
    const result = await ctx.db.transaction().execute(async (trx) => {
      const { team, members } = await load(trx, scope, idOf(request));
      const current = toScimGroup(team, members, scope.base);
      checkIfMatch(request, (current.meta as { version: string }).version);
      const desired =
        kind === 'put'
          ? request.body
          : applyPatch(current, request.body, GROUP_RESOURCE, { maxOperations: 1000 }).resource;
      await applyGroup(trx, ctx.clock, team, members, desired);
      return load(trx, scope, idOf(request));
    });
    request.log.info({ teamId: result.team.id, members: result.members.length }, 'SCIM group updated');
    if (kind === 'patch') return reply.status(204).send();
    const group = toScimGroup(result.team, result.members, scope.base);
    reply.header('etag', (group.meta as { version: string }).version);
    return sendScim(reply, 200, group);
  });
}

export const replaceGroup = (ctx: Context) => changeGroup(ctx, 'put');
export const patchGroup = (ctx: Context) => changeGroup(ctx, 'patch');

/** DELETE /Groups/{id}: the team goes; its members stay in the organization. */
export function deleteGroup(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    await ctx.db.transaction().execute(async (trx) => {
      const { team, members } = await load(trx, scope, idOf(request));
      checkIfMatch(request, (toScimGroup(team, members, scope.base).meta as { version: string }).version);
      await removeTeam(trx, ctx.clock, { team, actorUserId: null });
    });
    return reply.status(204).send();
  });
}
