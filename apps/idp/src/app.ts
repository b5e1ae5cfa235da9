import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import {
  createConfigCache,
  createServer,
  type Database,
  databaseRateLimitStore,
  type Logger,
  migrationsCurrent,
  observeConfigCache,
} from '@federa/kit';
import { type Clock, POST_FORM_SCRIPT_HASH, type Random } from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { IdpConfig } from './config.ts';
import type { AppDeps } from './context.ts';
import { CONFIG_TABLES, migrations } from './db/migrations.ts';
import type { IdpDatabase } from './db/schema.ts';
import { idpError } from './errors.ts';
import { BRAND } from './http/pages.ts';
import { registerRoutes } from './routes.ts';

export interface BuildAppOptions {
  /** From `connectDatabase`: the app keeps a configuration cache over it (closed with the app). */
  database: Database<IdpDatabase>;
  config: IdpConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
}

/** The session cookie: says which service set it. */
export const SESSION_COOKIE = 'federa_idp_session';

/**
 * Federa Directory as a Fastify instance (not listening): tests use it with `app.inject`, `main.ts`
 * listens. The database must already be migrated. Everything runs on the configuration cache's
 * database, so that the app's own changes to the configuration empty the cache at once.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance & { deps: AppDeps }> {
  const cache = createConfigCache(options.database, {
    tables: CONFIG_TABLES,
    logger: options.logger,
  });
  const db = cache.db;
  const deps: AppDeps = { db, cache, config: options.config, clock: options.clock, random: options.random };
  const app = await createServer({
    brand: BRAND,
    logger: options.logger,
    db: db as unknown as Kysely<unknown>,
    session: {
      cookieName: SESSION_COOKIE,
      maxAgeSeconds: options.config.sessionMaxAgeSeconds,
      // An SP's HTTP-POST AuthnRequest (and the My Apps launch from another site) is a cross-site
      // request: only a SameSite=None cookie (which must be Secure; Chromium treats http://localhost
      // and http://127.0.0.1 as secure) lets the IdP see its session there. Forms carry CSRF tokens.
      sameSite: 'none',
      secure: true,
      now: () => options.clock.now(),
    },
    scriptHashes: [POST_FORM_SCRIPT_HASH],
    bodyLimit: 512 * 1024,
    trustProxy: options.config.trustProxy ?? false,
    ready: () => migrationsCurrent(db as unknown as Kysely<unknown>, migrations),
  });
  app.addHook('onClose', () => cache.close());
  await app.register(rateLimit, {
    global: false,
    // Counted in the database, so that every instance sees the same count.
    store: databaseRateLimitStore(db as unknown as Kysely<unknown>, {
      now: () => options.clock.now(),
    }),
    errorResponseBuilder: () =>
      idpError(
        'forbidden',
        429,
        'Too many sign-in attempts from your network. Wait a minute, then try again.',
      ),
  });
  // "Upload metadata file" posts multipart/form-data: fields (with _csrf) land in the body before the
  // CSRF check; a file arrives as a Buffer, capped at 512 KB.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 512 * 1024, files: 1, fields: 20, parts: 21 },
  });
  registerRoutes(app, deps);
  observeConfigCache(app, cache);
  return Object.assign(app, { deps });
}
