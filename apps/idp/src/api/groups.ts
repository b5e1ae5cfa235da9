import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import { FormErrors } from '../errors.ts';
import { listGroups, membersOf } from '../groups/groups.repository.ts';
import { addMember, createGroup, deleteGroup, removeMember } from '../groups/groups.service.ts';
import { callerOf } from './auth.ts';
import { withFieldNames } from './errors.ts';
import { findUserRef, requireGroup, requireUser } from './lookup.ts';
import { collection, ref, refusals } from './schemas.ts';

const groupParams = {
  type: 'object',
  required: ['group'],
  properties: { group: { type: 'string', maxLength: 256, description: 'Object id or display name.' } },
} as const;

export function registerGroupRoutes(api: FastifyInstance, deps: Deps): void {
  api.get(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'List groups',
        response: { 200: collection('Group'), ...refusals() },
      },
    },
    async (request) => ({ value: await listGroups(deps.db, callerOf(request).tenantId) }),
  );

  api.post(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Create a group',
        body: {
          type: 'object',
          required: ['displayName'],
          additionalProperties: false,
          properties: {
            displayName: { type: 'string', maxLength: 512 },
            description: { type: ['string', 'null'], maxLength: 2048 },
          },
        },
        response: { 201: ref('Group'), ...refusals(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const body = request.body as { displayName: string; description?: string | null };
      return reply.status(201).send(await createGroup(deps, actor, tenantId, body));
    },
  );

  api.get(
    '/groups/:group',
    {
      schema: {
        tags: ['groups'],
        summary: 'Get a group',
        params: groupParams,
        response: { 200: ref('Group'), ...refusals(404) },
      },
    },
    async (request) =>
      requireGroup(deps.db, callerOf(request).tenantId, (request.params as { group: string }).group),
  );

  api.delete(
    '/groups/:group',
    {
      schema: {
        tags: ['groups'],
        summary: 'Delete a group (and its assignments)',
        params: groupParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...refusals(404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const group = await requireGroup(deps.db, tenantId, (request.params as { group: string }).group);
      await deleteGroup(deps, actor, tenantId, group.id);
      return reply.status(204).send();
    },
  );

  api.get(
    '/groups/:group/members',
    {
      schema: {
        tags: ['groups'],
        summary: 'List the members of a group',
        params: groupParams,
        response: { 200: collection('User'), ...refusals(404) },
      },
    },
    async (request) => {
      const group = await requireGroup(
        deps.db,
        callerOf(request).tenantId,
        (request.params as { group: string }).group,
      );
      return { value: await membersOf(deps.db, group.id) };
    },
  );

  api.post(
    '/groups/:group/members',
    {
      schema: {
        tags: ['groups'],
        summary: 'Add a user to a group',
        params: groupParams,
        body: {
          type: 'object',
          required: ['user'],
          additionalProperties: false,
          properties: {
            user: { type: 'string', maxLength: 320, description: 'Object id or user principal name.' },
          },
        },
        response: { 200: collection('User'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const group = await requireGroup(deps.db, tenantId, (request.params as { group: string }).group);
      const user = await findUserRef(deps.db, tenantId, (request.body as { user: string }).user);
      if (!user)
        throw new FormErrors({ user: 'Choose a user of this tenant (object id or user principal name).' });
      await withFieldNames(
        (field) => (field === 'userId' ? 'user' : field),
        () => addMember(deps, actor, tenantId, group.id, user.id),
      );
      return { value: await membersOf(deps.db, group.id) };
    },
  );

  api.delete(
    '/groups/:group/members/:user',
    {
      schema: {
        tags: ['groups'],
        summary: 'Remove a user from a group',
        params: {
          type: 'object',
          required: ['group', 'user'],
          properties: { ...groupParams.properties, user: { type: 'string', maxLength: 320 } },
        },
        response: { 204: { type: 'null', description: 'Removed.' }, ...refusals(404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const params = request.params as { group: string; user: string };
      const group = await requireGroup(deps.db, tenantId, params.group);
      const user = await requireUser(deps.db, tenantId, params.user);
      await removeMember(deps, actor, tenantId, group.id, user.id);
      return reply.status(204).send();
    },
  );
}
