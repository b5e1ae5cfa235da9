import {
  applyPatch,
  type Filter,
  filterPredicate,
  paginate,
  parseFilter,
  readPage,
  USER_RESOURCE,
} from '@federa/scim';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import type { Db } from '../../db/db.ts';
import { findScimMember, listScimMembers, type ScimMemberRow } from '../scim-members.repository.ts';
import { type ScimScope, scimHandler } from './bearer.ts';
import { checkIfMatch, notModified, project, ScimHttpError, sendScim } from './http.ts';
import { toScimUser, userLocation } from './user-resource.ts';
import { createScimUser, deleteScimUser, updateScimUser } from './users.service.ts';

// /Users (RFC 7644 §3): the organization's members. Each handler runs after the bearer check.

type Query = { filter?: string; startIndex?: string; count?: string };

/**
 * The SQL narrowing of the filters Entra sends (`userName eq "…"`, `externalId eq "…"`, alone or
 * under `and`); the filter itself is then applied to what the narrowing returns.
 */
function narrowing(filter: Filter | null): { userName?: string; externalId?: string } {
  if (!filter) return {};
  const parts = filter.op === 'and' ? filter.filters : [filter];
  for (const part of parts) {
    if (part.op !== 'eq' || typeof part.compValue !== 'string') continue;
    const path = part.attrPath.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, '');
    if (path === 'username') return { userName: part.compValue };
    if (path === 'externalid') return { externalId: part.compValue };
  }
  return {};
}

async function loadMember(db: Db, scope: ScimScope, request: FastifyRequest): Promise<ScimMemberRow> {
  const { id } = request.params as { id: string };
  const row = await findScimMember(db, scope.organization.id, scope.provider.id, id);
  if (!row) throw new ScimHttpError(404, 'User not found.');
  return row;
}

/** GET /Users?filter=…&startIndex=…&count=… */
export function listUsers(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const query = request.query as Query;
    const page = readPage(query);
    const filter = query.filter ? parseFilter(query.filter) : null;
    const rows = await listScimMembers(ctx.db, scope.organization.id, scope.provider.id, narrowing(filter));
    let users = rows.map((row) => toScimUser(row, scope.base));
    if (query.filter) users = users.filter(filterPredicate(query.filter, USER_RESOURCE));
    const list = paginate(users, page);
    return sendScim(reply, 200, { ...list, Resources: list.Resources.map((user) => project(user, query)) });
  });
}

/** POST /Users */
export function createUser(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const row = await createScimUser(ctx.db, ctx.clock, scope, request.body);
    request.log.info(
      { membershipId: row.membershipId, organizationId: row.organizationId },
      'SCIM user created',
    );
    const user = toScimUser(row, scope.base);
    reply.header('location', userLocation(scope.base, row.membershipId));
    reply.header('etag', (user.meta as { version: string }).version);
    return sendScim(reply, 201, user);
  });
}

/** GET /Users/{id} */
export function getUser(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const user = toScimUser(await loadMember(ctx.db, scope, request), scope.base);
    const version = (user.meta as { version: string }).version;
    reply.header('etag', version);
    if (notModified(request, version)) return reply.status(304).send();
    return sendScim(reply, 200, project(user, request.query));
  });
}

/**
 * PUT and PATCH /Users/{id}: the member read, changed and written in one transaction, so that a
 * request applies whole or not at all (RFC 7644 §3.5.2).
 */
function changeUser(ctx: Context, desiredOf: (current: Record<string, unknown>, body: unknown) => unknown) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const updated = await ctx.db.transaction().execute(async (trx) => {
      const row = await loadMember(trx, scope, request);
      const current = toScimUser(row, scope.base);
      checkIfMatch(request, (current.meta as { version: string }).version);
      await updateScimUser(trx, ctx.clock, scope, row, desiredOf(current, request.body));
      return (await findScimMember(trx, scope.organization.id, scope.provider.id, row.membershipId))!;
    });
    request.log.info(
      { membershipId: updated.membershipId, suspended: updated.suspended },
      'SCIM user updated',
    );
    const user = toScimUser(updated, scope.base);
    reply.header('etag', (user.meta as { version: string }).version);
    return sendScim(reply, 200, user);
  });
}

/** PUT /Users/{id}: the body is the whole User. */
export const replaceUser = (ctx: Context) => changeUser(ctx, (_current, body) => body);

/** PATCH /Users/{id}: both of Entra's dialects (packages/scim applyPatch). */
export const patchUser = (ctx: Context) =>
  changeUser(
    ctx,
    (current, body) => applyPatch(current, body, USER_RESOURCE, { maxOperations: 100 }).resource,
  );

/** DELETE /Users/{id} */
export function deleteUser(ctx: Context) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const row = await ctx.db.transaction().execute(async (trx) => {
      const found = await loadMember(trx, scope, request);
      checkIfMatch(request, (toScimUser(found, scope.base).meta as { version: string }).version);
      await deleteScimUser(trx, ctx.clock, scope, found);
      return found;
    });
    request.log.info({ membershipId: row.membershipId }, 'SCIM user deleted');
    return reply.status(204).send();
  });
}
