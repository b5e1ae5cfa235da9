import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false: no CSRF token check. Only for SAML endpoints that receive the IdP's or SP's cross-site
     * POST; they are protected by the SAML message instead (InResponseTo, the replay cache).
     */
    csrf?: boolean;
    /**
     * 'bearer': the route is authorized by its `Authorization: Bearer` token and by nothing else.
     * It has no CSRF check (another site's form cannot set that header) and it cannot read the
     * session: `getSession` throws on it, so that no handler can fall back on a cookie the browser
     * sent along. Every other route is authorized by the session cookie and always CSRF-checked,
     * whatever headers come with the request.
     */
    auth?: 'bearer';
  }
}

/** Whether the route declared itself bearer-authenticated (`config: { auth: 'bearer' }`). */
export function isBearerRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config?.auth === 'bearer';
}

/** How one route is authorized, as `routeAuthTable` lists it. */
export interface RouteAuth {
  method: string;
  url: string;
  auth: 'bearer' | 'session';
  /** Whether a state-changing request must carry the session's CSRF token. */
  csrf: boolean;
}

const registered = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Keeps every route `app` and its plugins register, for `routeAuthTable`. createServer calls it. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
}

/**
 * Every route of a server built by createServer with how it is authorized, one row per method: for an
 * auditor, and for the test that tries each state-changing route with a cookie and a bogus bearer
 * token. Read when asked, because a plugin's own onRoute hook (the admin API's) sets `auth` after
 * the server's hook has seen the route.
 */
export function routeAuthTable(app: FastifyInstance): RouteAuth[] {
  const rows: RouteAuth[] = [];
  for (const route of registered.get(app) ?? []) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config as { auth?: 'bearer'; csrf?: boolean } | undefined;
    const auth = config?.auth === 'bearer' ? 'bearer' : 'session';
    for (const method of methods) {
      rows.push({ method, url: route.url, auth, csrf: auth === 'session' && config?.csrf !== false });
    }
  }
  return rows;
}
