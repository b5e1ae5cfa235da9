import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { type DeletedUser, findDeletedUser, listDeletedUsers } from '../users/deleted-users.repository.ts';
import { deleteUserPermanently, restoreUser } from '../users/deleted-users.service.ts';
import { callerOf } from './auth.ts';
import { collection, GUID_PATTERN, ref, refusals, UserSchema } from './schemas.ts';

// Graph's recycle bin for users: `directory/deletedItems`. DELETE /users/{user} moves a user here for
// 30 days; from here a user is restored (with assignments and group memberships) or deleted for good.

const DeletedUserSchema = {
  $id: 'DeletedUser',
  type: 'object',
  description: 'A deleted user (Graph: a user under directory/deletedItems).',
  properties: {
    ...UserSchema.properties,
    deletedDateTime: { type: 'string', format: 'date-time' },
    permanentDeletionDateTime: {
      type: 'string',
      format: 'date-time',
      description: 'When the user is deleted for good unless restored: deletedDateTime + 30 days.',
    },
  },
} as const;

const itemParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: GUID_PATTERN, description: 'Object id of the deleted user.' },
  },
} as const;

function deletedUserView(user: DeletedUser) {
  const { deletedAt, permanentDeletionAt, ...rest } = user;
  return { ...rest, deletedDateTime: deletedAt, permanentDeletionDateTime: permanentDeletionAt };
}

export function registerDeletedItemRoutes(api: FastifyInstance, deps: Deps): void {
  api.addSchema(DeletedUserSchema);
  const requireDeleted = async (tenantId: string, id: string) => {
    const user = await findDeletedUser(deps.db, tenantId, id.toLowerCase());
    if (!user) throw notFound('The deleted user');
    return user;
  };

  api.get(
    '/directory/deletedItems/microsoft.graph.user',
    {
      schema: {
        tags: ['users'],
        summary: 'List deleted users (restorable for 30 days), the most recently deleted first',
        response: { 200: collection('DeletedUser'), ...refusals() },
      },
    },
    async (request) => ({
      value: (await listDeletedUsers(deps.db, callerOf(request).tenantId)).map(deletedUserView),
    }),
  );

  api.get(
    '/directory/deletedItems/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Get a deleted user',
        params: itemParams,
        response: { 200: ref('DeletedUser'), ...refusals(400, 404) },
      },
    },
    async (request) =>
      deletedUserView(
        await requireDeleted(callerOf(request).tenantId, (request.params as { id: string }).id),
      ),
  );

  api.post(
    '/directory/deletedItems/:id/restore',
    {
      schema: {
        tags: ['users'],
        summary: 'Restore a deleted user, with their assignments and group memberships',
        params: itemParams,
        response: { 200: ref('User'), ...refusals(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId, actor } = callerOf(request);
      const user = await requireDeleted(tenantId, (request.params as { id: string }).id);
      return restoreUser(deps, actor, tenantId, user.id);
    },
  );

  api.delete(
    '/directory/deletedItems/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Delete a deleted user permanently (no way back)',
        params: itemParams,
        response: { 204: { type: 'null', description: 'Deleted permanently.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const user = await requireDeleted(tenantId, (request.params as { id: string }).id);
      await deleteUserPermanently(deps, actor, tenantId, user.id);
      return reply.status(204).send();
    },
  );
}
