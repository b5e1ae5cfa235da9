import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiToken, tokenActor } from '../api-tokens/api-tokens.service.ts';
import type { Actor, Deps } from '../context.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import { apiError } from './errors.ts';

/** Who calls: the token's tenant (which scopes every call) and the audit actor. */
export interface ApiCaller {
  tenant: Tenant;
  tenantId: string;
  actor: Actor;
  tokenId: string;
}

const callers = new WeakMap<FastifyRequest, ApiCaller>();

/**
 * onRequest hook of the admin API: `Authorization: Bearer <token>` must name a live token of some
 * tenant. Without one → 401 `unauthenticated`; with a bad one (malformed, unknown, revoked, expired)
 * → 401 `invalid_token`, both with RFC 6750's WWW-Authenticate. Routes with `config.public` (the
 * OpenAPI document) need none.
 */
export function bearerAuth(deps: Deps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if ((request.routeOptions.config as { public?: boolean }).public) return;
    const header = request.headers.authorization;
    const realm = 'realm="Federa Directory admin API"';
    if (!header) {
      reply.header('www-authenticate', `Bearer ${realm}`);
      throw apiError(
        'unauthenticated',
        401,
        'Send an API token as "Authorization: Bearer <token>". Administrators create tokens in the portal under API tokens.',
      );
    }
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    const result = match ? await authenticateApiToken(deps, match[1]!) : null;
    if (!result?.ok) {
      reply.header('www-authenticate', `Bearer ${realm}, error="invalid_token"`);
      request.log.warn({ reason: result ? result.reason : 'not-bearer' }, 'API token refused');
      throw apiError(
        'invalid_token',
        401,
        'The API token is not valid: it may be mistyped, revoked or expired. Create a new one in the portal under API tokens.',
      );
    }
    callers.set(request, {
      tenant: result.tenant,
      tenantId: result.tenant.id,
      actor: tokenActor(result.token, request.id),
      tokenId: result.token.id,
    });
  };
}

/** The authenticated caller of an API route (set by `bearerAuth`). */
export function callerOf(request: FastifyRequest): ApiCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('bearerAuth did not run for this route');
  return caller;
}
