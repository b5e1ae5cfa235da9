import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { registerConditionalAccessRoutes } from '../conditional-access/api.ts';
import type { Deps } from '../context.ts';
import { registerApplicationRoutes } from './applications.ts';
import { registerAssignmentRoutes } from './assignments.ts';
import { bearerAuth } from './auth.ts';
import { registerCertificateRoutes } from './certificates.ts';
import { registerDeletedItemRoutes } from './deleted-items.ts';
import { apiErrorHandler } from './errors.ts';
import { registerGroupRoutes } from './groups.ts';
import { registerOrganizationRoutes } from './organization.ts';
import { registerSamlRoutes } from './saml.ts';
import { API_PREFIX, SHARED_SCHEMAS } from './schemas.ts';
import { registerSignInLogRoutes } from './sign-in-logs.ts';
import { registerUserRoutes } from './users.ts';

export { API_PREFIX };

const routesOf = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

/** Every operation of the admin API registered on `app` (for the test that the OpenAPI document lists them all). */
export function adminApiRoutes(app: FastifyInstance): ReadonlyArray<{ method: string; url: string }> {
  return routesOf.get(app) ?? [];
}

/**
 * The admin API, `/api/v1/…`: bearer tokens made in the portal (the token's tenant scopes every
 * call; no cookie is ever read), JSON schemas on every operation, OpenAPI 3 at `/api/v1/openapi.json`.
 * Operations call the same services as the portal (validation, transactions, audit entries), so the
 * API adds no rule of its own. Each resource lists its routes in its own file.
 */
export function registerAdminApi(app: FastifyInstance, deps: Deps): void {
  const seen: Array<{ method: string; url: string }> = [];
  routesOf.set(app, seen);
  app.register(
    async (api) => {
      await api.register(swagger, {
        openapi: {
          openapi: '3.0.3',
          info: {
            title: 'Federa Directory admin API',
            version: '1.0.0',
            description:
              'Users, groups, enterprise applications with their SAML settings, signing certificates and assignments, and sign-in logs of the tenant the bearer token belongs to. Errors are `{ "error": { "code", "message", "field", "correlationId" } }`.',
          },
          servers: [{ url: deps.config.baseUrl }],
          components: {
            securitySchemes: {
              bearerAuth: {
                type: 'http',
                scheme: 'bearer',
                description: 'An API token made in the portal (API tokens); shown once when made.',
              },
            },
          },
          security: [{ bearerAuth: [] }],
          tags: [
            { name: 'organization', description: 'The token’s tenant' },
            { name: 'users' },
            { name: 'groups' },
            { name: 'applications', description: 'Enterprise applications and the gallery' },
            { name: 'saml', description: 'Single sign-on settings of an application' },
            { name: 'certificates', description: 'SAML signing certificates of an application' },
            { name: 'assignments', description: 'Users and groups assigned to an application, app roles' },
            { name: 'signInLogs' },
            {
              name: 'conditionalAccess',
              description: 'Conditional Access policies and named locations (Graph’s shapes)',
            },
          ],
        },
        refResolver: {
          buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
        },
      });
      for (const schema of SHARED_SCHEMAS) api.addSchema(schema);
      // Every operation here is authorized by its bearer token and nothing else: declared so, the kit
      // skips the CSRF check and refuses to load the session, so a portal cookie sent along counts for
      // nothing (kit route-auth.ts). Declared here, once, so that no operation can be added without it.
      api.addHook('onRoute', (route) => {
        route.config = { ...route.config, auth: 'bearer' };
      });
      api.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method !== 'HEAD' && !(route.schema as { hide?: boolean } | undefined)?.hide)
            seen.push({ method, url: route.url });
        }
      });
      api.addHook('onRequest', bearerAuth(deps));
      api.addHook('onSend', async (_request, reply, payload) => {
        // Responses may carry a password shown once; nothing here is for a cache.
        reply.header('cache-control', 'no-store');
        return payload;
      });
      api.setErrorHandler(apiErrorHandler);

      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
        api.swagger(),
      );
      registerOrganizationRoutes(api, deps);
      registerUserRoutes(api, deps);
      registerDeletedItemRoutes(api, deps);
      registerGroupRoutes(api, deps);
      registerApplicationRoutes(api, deps);
      registerSamlRoutes(api, deps);
      registerCertificateRoutes(api, deps);
      registerAssignmentRoutes(api, deps);
      registerSignInLogRoutes(api, deps);
      registerConditionalAccessRoutes(api, deps);
    },
    { prefix: API_PREFIX },
  );
}
