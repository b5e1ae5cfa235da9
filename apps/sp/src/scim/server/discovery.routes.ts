import { listResponse, resourceTypes, schemas, serviceProviderConfig } from '@federa/scim';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { scimHandler } from './bearer.ts';
import { ScimHttpError, sendScim } from './http.ts';

// RFC 7644 §4: what the server supports and the schemas it speaks, behind the same bearer check as
// the resources (Sentry's are too; Entra reads them with the token it has).

const idOf = (request: FastifyRequest): string => (request.params as { id: string }).id;

/** GET /ServiceProviderConfig */
export function serviceProviderConfigRoute(ctx: Context) {
  return scimHandler(ctx, async (_request, reply, scope) =>
    sendScim(reply, 200, serviceProviderConfig({ baseUrl: scope.base })),
  );
}

/** GET /ResourceTypes and /ResourceTypes/{id} */
export function resourceTypesRoute(ctx: Context, one = false) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const all = resourceTypes(scope.base);
    if (!one) return sendScim(reply, 200, listResponse(all, { totalResults: all.length, startIndex: 1 }));
    const found = all.find((type) => type.id === idOf(request));
    if (!found) throw new ScimHttpError(404, 'Resource type not found.');
    return sendScim(reply, 200, found);
  });
}

/** GET /Schemas and /Schemas/{id} */
export function schemasRoute(ctx: Context, one = false) {
  return scimHandler(ctx, async (request, reply, scope) => {
    const all = schemas(scope.base);
    if (!one) return sendScim(reply, 200, listResponse(all, { totalResults: all.length, startIndex: 1 }));
    const found = all.find((schema) => schema.id === idOf(request));
    if (!found) throw new ScimHttpError(404, 'Schema not found.');
    return sendScim(reply, 200, found);
  });
}
