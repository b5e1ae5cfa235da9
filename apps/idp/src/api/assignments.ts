import type { FastifyInstance } from 'fastify';
import { listAppRoles, listAssignments } from '../assignments/assignments.repository.ts';
import { assign, createAppRole, deleteAppRole, unassign } from '../assignments/assignments.service.ts';
import type { Deps } from '../context.ts';
import { appParams } from './applications.ts';
import { callerOf } from './auth.ts';
import { findGroupRef, findUserRef, requireApplicationRef } from './lookup.ts';
import { collection, ref, refusals } from './schemas.ts';

const idParam = (name: string) =>
  ({
    type: 'object',
    required: ['app', name],
    properties: { ...appParams.properties, [name]: { type: 'string', maxLength: 64 } },
  }) as const;

export function registerAssignmentRoutes(api: FastifyInstance, deps: Deps): void {
  const appOf = (request: { params: unknown }, tenantId: string) =>
    requireApplicationRef(deps.db, tenantId, (request.params as { app: string }).app);

  api.get(
    '/applications/:app/appRoles',
    {
      schema: {
        tags: ['assignments'],
        summary: 'The roles the application defines (none: assignments get Default Access)',
        params: appParams,
        response: { 200: collection('AppRole'), ...refusals(400, 404) },
      },
    },
    async (request) => ({
      value: await listAppRoles(deps.db, (await appOf(request, callerOf(request).tenantId)).id),
    }),
  );

  api.post(
    '/applications/:app/appRoles',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Add an app role',
        params: appParams,
        body: {
          type: 'object',
          required: ['displayName', 'value'],
          additionalProperties: false,
          properties: {
            displayName: { type: 'string', maxLength: 512 },
            value: { type: 'string', maxLength: 512, description: 'What the role claim carries.' },
            description: { type: ['string', 'null'], maxLength: 2048 },
          },
        },
        response: { 201: ref('AppRole'), ...refusals(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      const body = request.body as { displayName: string; value: string; description?: string | null };
      return reply.status(201).send(await createAppRole(deps, actor, tenantId, app.id, body));
    },
  );

  api.delete(
    '/applications/:app/appRoles/:role',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Delete an app role nobody is assigned',
        params: idParam('role'),
        response: { 204: { type: 'null', description: 'Deleted.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      await deleteAppRole(deps, actor, tenantId, app.id, (request.params as { role: string }).role);
      return reply.status(204).send();
    },
  );

  api.get(
    '/applications/:app/assignments',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Users and groups assigned to the application',
        params: appParams,
        response: { 200: collection('Assignment'), ...refusals(400, 404) },
      },
    },
    async (request) => ({
      value: await listAssignments(deps.db, (await appOf(request, callerOf(request).tenantId)).id),
    }),
  );

  api.post(
    '/applications/:app/assignments',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Assign a user or group with an app role',
        params: appParams,
        body: {
          type: 'object',
          required: ['principalType', 'principal'],
          additionalProperties: false,
          properties: {
            principalType: { type: 'string', enum: ['user', 'group'] },
            principal: {
              type: 'string',
              maxLength: 320,
              description: 'A user’s object id or user principal name; a group’s object id or display name.',
            },
            appRoleId: {
              type: ['string', 'null'],
              maxLength: 64,
              description: 'Required when the application defines roles; otherwise Default Access.',
            },
          },
        },
        response: { 201: ref('Assignment'), ...refusals(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      const body = request.body as {
        principalType: 'user' | 'group';
        principal: string;
        appRoleId?: string | null;
      };
      const principal =
        body.principalType === 'user'
          ? await findUserRef(deps.db, tenantId, body.principal)
          : await findGroupRef(deps.db, tenantId, body.principal);
      // An unknown principal goes to the service as given: it refuses it on `principal`.
      const id = await assign(deps, actor, tenantId, app.id, {
        principalType: body.principalType,
        principalId: principal?.id ?? body.principal,
        appRoleId: body.appRoleId,
      });
      const created = (await listAssignments(deps.db, app.id)).find((a) => a.id === id);
      return reply.status(201).send(created);
    },
  );

  api.delete(
    '/applications/:app/assignments/:assignment',
    {
      schema: {
        tags: ['assignments'],
        summary: 'Remove an assignment',
        params: idParam('assignment'),
        response: { 204: { type: 'null', description: 'Removed.' }, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      const app = await appOf(request, tenantId);
      await unassign(deps, actor, tenantId, app.id, (request.params as { assignment: string }).assignment);
      return reply.status(204).send();
    },
  );
}
