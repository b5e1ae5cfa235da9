import rateLimit from '@fastify/rate-limit';
import {
  createConfigCache,
  createLogger,
  createServer,
  type Database,
  databaseRateLimitStore,
  type Logger,
  migrationsCurrent,
  observeConfigCache,
} from '@federa/kit';
import { type Clock, POST_FORM_SCRIPT_HASH, type Random, systemClock, systemRandom } from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { BRAND, type Context } from './context.ts';
import { CONFIG_TABLES } from './db/config-cache.ts';
import { migrations } from './db/migrations.ts';
import type { Schema } from './db/schema.ts';
import { SpError } from './errors.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { registerRoutes } from './routes.ts';

export interface BuildAppOptions {
  /** Open and migrated (`connectDatabase`); the caller closes it after the app. */
  database: Database<Schema>;
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
 * const { app } = await buildApp({ database, config: readConfig(process.env) });
 */
export async function buildApp(options: BuildAppOptions): Promise<{ app: FastifyInstance; ctx: Context }> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('federa-workspace');
  const cache = createConfigCache(options.database, {
    tables: CONFIG_TABLES,
    logger,
  });
  // Everything runs on the cache's database, so that this instance's writes empty the cache at once.
  const db = cache.db;
  const ctx: Context = {
    db,
    cache,
    config: options.config,
    clock,
    random: options.random ?? systemRandom,
    logger,
    mailer:
      options.mailer ??
      createMailer(db, clock, options.config.smtp, { devOutbox: options.config.devOutbox, logger }),
    brand: BRAND,
  };
  const app = await createServer({
    brand: BRAND,
    logger,
    db: db as never,
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
    ready: () => migrationsCurrent(db as never, migrations),
  });
  app.addHook('onClose', () => cache.close());
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so that every instance sees the same count.
    store: databaseRateLimitStore(db as never, { now: () => clock.now() }),
    errorResponseBuilder: (_request, context) =>
      new SpError(
        'rate_limited',
        429,
        `Too many attempts from your network. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again.`,
      ),
  });
  registerRoutes(app, ctx);
  observeConfigCache(app, cache);
  return { app, ctx };
}
