import rateLimit from '@fastify/rate-limit';
import {
  createLogger,
  createServer,
  databaseRateLimitStore,
  type Logger,
  migrationsCurrent,
} from '@federa/kit';
import { type Clock, POST_FORM_SCRIPT_HASH, type Random, systemClock, systemRandom } from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { BRAND, type Context } from './context.ts';
import type { Db } from './db/db.ts';
import { migrations } from './db/migrations.ts';
import { SpError } from './errors.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { registerRoutes } from './routes.ts';

export interface BuildAppOptions {
  db: Db;
  config: Config;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  mailer?: Mailer;
}

/** The session cookie (SameSite=Lax): every page request. The SSO binding cookie is separate (sso/). */
export const SESSION_COOKIE = 'federa_ws_session';

/**
 * Builds Federa Workspace on an open, migrated database: the Fastify app with every route, and the
 * context its services run with. Tests call it and use `app.inject`; `main.ts` listens.
 *
 * @example
 * const { app } = await buildApp({ db, config: readConfig(process.env) });
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: FastifyInstance; ctx: Context }> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('federa-workspace');
  const ctx: Context = {
    db: options.db,
    config: options.config,
    clock,
    random: options.random ?? systemRandom,
    logger,
    mailer: options.mailer ?? createMailer(options.db, clock, options.config.smtp),
    brand: BRAND,
  };
  const app = await createServer({
    brand: BRAND,
    logger,
    db: options.db as never,
    session: {
      cookieName: SESSION_COOKIE,
      maxAgeSeconds: 14 * 86400,
      sameSite: 'lax',
      secure: options.config.secureCookies,
      now: () => clock.now(),
    },
    scriptHashes: [POST_FORM_SCRIPT_HASH],
    // A SAMLResponse with many group claims can reach a few hundred KB; the ACS caps it itself too.
    bodyLimit: 1024 * 1024,
    trustProxy: options.config.trustProxy,
    ready: () => migrationsCurrent(options.db as never, migrations),
  });
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so that every instance sees the same count.
    store: databaseRateLimitStore(options.db as never, { now: () => clock.now() }),
    errorResponseBuilder: (_request, context) =>
      new SpError(
        'rate_limited',
        429,
        `Too many attempts from your network. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again.`,
      ),
  });
  registerRoutes(app, ctx);
  return { app, ctx };
}
