import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import { SCRIPT, STYLESHEET } from '../html/assets.ts';
import { facts } from '../html/components.ts';
import { faviconSvg } from '../html/favicon.ts';
import { type Brand, renderPage } from '../html/layout.ts';
import { html } from '../html/template.ts';
import type { Logger } from '../log.ts';
import { checkCsrf } from './csrf.ts';
import { AppError, isDatabaseUnavailable } from './errors.ts';
import { registerMetrics } from './metrics.ts';
import { recordRoutes } from './route-auth.ts';
import { compileSchemasOnFirstUse } from './schema-compilers.ts';
import { registerSessions, type SessionOptions } from './session.ts';

export interface ServerOptions {
  brand: Brand;
  logger: Logger;
  db: Kysely<unknown>;
  session: SessionOptions;
  /** CSP hashes of inline scripts a service needs (the SAML auto-submit form). */
  scriptHashes?: readonly string[];
  /** Largest request body, bytes. SAML responses with many groups can reach a few hundred KB. */
  bodyLimit?: number;
  /** Which proxies' X-Forwarded-* headers to believe (see `parseTrustProxy`). */
  trustProxy?: boolean | number | string[];
  /** For `/readyz`: true when the database answers and migrations are current. */
  ready?: () => Promise<boolean>;
}

/**
 * A Fastify server with what every Federa page and endpoint relies on: correlation ids (echoed in
 * `X-Correlation-Id` and on every error page), security headers with a strict CSP, form and cookie
 * parsing, DB-backed sessions, CSRF checks on every state-changing request to a route authorized by
 * the session (all but those declared `auth: 'bearer'`, see route-auth.ts), and one error mapping:
 * AppError → its status and message; database unreachable → 503; anything else → 500 with no detail.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'correlationId', disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Fastify takes all three forms; its overloads want one type at a time.
    trustProxy: (options.trustProxy ?? false) as boolean,
    schemaController: compileSchemasOnFirstUse(),
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  // helmet's own middleware, built once: @fastify/helmet builds it again for every request (a tenth
  // of a request's CPU time).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...(options.scriptHashes ?? []).map((h) => `'${h}'`)],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // The IdP's POST to an ACS is cross-site.
    crossOriginEmbedderPolicy: false,
    // A Referer only within the service (never to another site): it names the page a form was sent
    // from, which an expired session's error page links back to (csrf.ts).
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  );
  registerSessions(app, options.db, options.session);
  recordRoutes(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.addHook('preHandler', checkCsrf);

  app.get('/assets/federa.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  app.get('/assets/federa.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SCRIPT),
  );
  const favicon = faviconSvg(options.brand);
  // /favicon.ico too: the browser asks for it by itself on pages without the layout (the SAML auto-post).
  for (const url of ['/assets/favicon.svg', '/favicon.ico']) {
    app.get(url, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon),
    );
  }
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = options.ready ? await options.ready().catch(() => false) : true;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  registerMetrics(app, options.brand.key);

  app.setNotFoundHandler(async (request, reply) =>
    sendError(
      request,
      reply,
      options.brand,
      new AppError(
        'not_found',
        404,
        'There is no page at this address. Check the link, or start again from the home page.',
      ),
    ),
  );
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      request.log.warn({ code: error.code, status: error.status, detail: error.detail }, 'request refused');
      return sendError(request, reply, options.brand, error);
    }
    if (error.validation) {
      request.log.warn({ code: 'invalid_request', detail: error.message }, 'request refused');
      return sendError(
        request,
        reply,
        options.brand,
        new AppError('invalid_request', 400, `The request is not valid: ${error.message}.`),
      );
    }
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        request,
        reply,
        options.brand,
        new AppError('too_large', 413, 'The request is larger than this server accepts.'),
      );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ code: 'database_unavailable' }, 'database unavailable');
      reply.header('retry-after', '2');
      return sendError(
        request,
        reply,
        options.brand,
        new AppError(
          'database_unavailable',
          503,
          'The service is briefly unavailable. Try again in a few seconds.',
        ),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(
      request,
      reply,
      options.brand,
      new AppError(
        'internal_error',
        500,
        'Something went wrong on our side. Try again; if it keeps happening, give the reference below to your administrator.',
      ),
    );
  });
  return app;
}

export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || (request.headers.accept ?? '').startsWith('application/json');
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  brand: Brand,
  error: AppError,
): FastifyReply {
  reply.status(error.status);
  if (wantsJson(request)) {
    return reply.send({
      error: { code: error.code, message: error.message, field: error.field, correlationId: request.id },
    });
  }
  // Every error page leads somewhere: the error's own next step, else the service's home page.
  const link = error.link ?? { href: brand.home, label: `Go to ${brand.name}` };
  const body = html`<div class="card error-page" data-error-code="${error.code}"><p>${error.message}</p>${facts(
    [
      ['Error code', error.code],
      ['Reference', request.id],
      ['Time', new Date().toISOString()],
    ],
  )}<div class="actions"><a class="button" href="${link.href}">${link.label}</a></div></div>`;
  return reply
    .type('text/html; charset=utf-8')
    .send(renderPage({ brand, title: errorTitle(error.status), body }));
}

function errorTitle(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 401) return 'Sign in needed';
  if (status === 503) return 'Temporarily unavailable';
  if (status >= 500) return 'Something went wrong';
  return 'That did not work';
}
