import type { FastifyInstance } from 'fastify';
import { callerOf } from '../api/auth.ts';
import { collection, GUID_PATTERN, ref, refusals } from '../api/schemas.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { CONDITIONAL_ACCESS_SCHEMAS } from './api.schemas.ts';
import {
  findNamedLocation,
  findPolicy,
  listNamedLocations,
  listPolicies,
} from './conditional-access.repository.ts';
import {
  createNamedLocation,
  createPolicy,
  deleteNamedLocation,
  deletePolicy,
  patchNamedLocation,
  patchPolicy,
} from './conditional-access.service.ts';

// Graph's `identity/conditionalAccess/policies` and `/namedLocations` at the same paths under
// /api/v1: a script written for Entra works with only the base URL and token changed. As Graph, PATCH
// and DELETE answer 204. Bodies are Graph's JSON, checked by the services (field errors name JSON paths).

const BASE = '/identity/conditionalAccess';
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: GUID_PATTERN } },
} as const;
const anyObject = { type: 'object', description: 'Graph’s JSON for the object.' } as const;
const noContent = { 204: { type: 'null', description: 'Done.' } } as const;

export function registerConditionalAccessRoutes(api: FastifyInstance, deps: Deps): void {
  for (const schema of CONDITIONAL_ACCESS_SCHEMAS) api.addSchema(schema);
  const tags = ['conditionalAccess'];
  const idOf = (request: { params: unknown }) => (request.params as { id: string }).id.toLowerCase();

  api.get(
    `${BASE}/policies`,
    {
      schema: {
        tags,
        summary: 'List Conditional Access policies',
        response: { 200: collection('ConditionalAccessPolicy'), ...refusals() },
      },
    },
    async (request) => ({ value: await listPolicies(deps.db, callerOf(request).tenantId) }),
  );
  api.post(
    `${BASE}/policies`,
    {
      schema: {
        tags,
        summary: 'Create a Conditional Access policy',
        description:
          'Refused (400, on `conditions.users.excludeUsers`) when the policy would block every administrator from every application (“Don’t lock yourself out”), and (on `state`) when it is turned on while security defaults are on.',
        body: anyObject,
        response: { 201: ref('ConditionalAccessPolicy'), ...refusals(400) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      return reply.status(201).send(await createPolicy(deps, actor, tenantId, request.body));
    },
  );
  api.get(
    `${BASE}/policies/:id`,
    {
      schema: {
        tags,
        summary: 'Get a Conditional Access policy',
        params: idParams,
        response: { 200: ref('ConditionalAccessPolicy'), ...refusals(404) },
      },
    },
    async (request) => {
      const policy = await findPolicy(deps.db, callerOf(request).tenantId, idOf(request));
      if (!policy) throw notFound('The policy');
      return policy;
    },
  );
  api.patch(
    `${BASE}/policies/:id`,
    {
      schema: {
        tags,
        summary: 'Update a Conditional Access policy (the properties sent; 204 as Graph)',
        params: idParams,
        body: anyObject,
        response: { ...noContent, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      await patchPolicy(deps, actor, tenantId, idOf(request), request.body);
      return reply.status(204).send();
    },
  );
  api.delete(
    `${BASE}/policies/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a Conditional Access policy',
        params: idParams,
        response: { ...noContent, ...refusals(404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      await deletePolicy(deps, actor, tenantId, idOf(request));
      return reply.status(204).send();
    },
  );

  api.get(
    `${BASE}/namedLocations`,
    {
      schema: {
        tags,
        summary: 'List named locations',
        response: { 200: collection('NamedLocation'), ...refusals() },
      },
    },
    async (request) => ({ value: await listNamedLocations(deps.db, callerOf(request).tenantId) }),
  );
  api.post(
    `${BASE}/namedLocations`,
    {
      schema: {
        tags,
        summary: 'Create an IP ranges named location',
        body: anyObject,
        response: { 201: ref('NamedLocation'), ...refusals(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      return reply.status(201).send(await createNamedLocation(deps, actor, tenantId, request.body));
    },
  );
  api.get(
    `${BASE}/namedLocations/:id`,
    {
      schema: {
        tags,
        summary: 'Get a named location',
        params: idParams,
        response: { 200: ref('NamedLocation'), ...refusals(404) },
      },
    },
    async (request) => {
      const location = await findNamedLocation(deps.db, callerOf(request).tenantId, idOf(request));
      if (!location) throw notFound('The named location');
      return location;
    },
  );
  api.patch(
    `${BASE}/namedLocations/:id`,
    {
      schema: {
        tags,
        summary: 'Update a named location (the properties sent; 204 as Graph)',
        params: idParams,
        body: anyObject,
        response: { ...noContent, ...refusals(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      await patchNamedLocation(deps, actor, tenantId, idOf(request), request.body);
      return reply.status(204).send();
    },
  );
  api.delete(
    `${BASE}/namedLocations/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a named location (refused while a policy names it)',
        params: idParams,
        response: { ...noContent, ...refusals(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId, actor } = callerOf(request);
      await deleteNamedLocation(deps, actor, tenantId, idOf(request));
      return reply.status(204).send();
    },
  );
}
