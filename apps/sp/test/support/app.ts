import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, createLogger, type Logger, migrateToLatest } from '@federa/kit';
import type { Clock } from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { freshDatabaseUrl, type TestDialect } from '../../../../test/support/databases.ts';
import { buildApp } from '../../src/app.ts';
import { type Config, testConfig } from '../../src/config.ts';
import type { Context } from '../../src/context.ts';
import { migrations } from '../../src/db/migrations.ts';
import type { Schema } from '../../src/db/schema.ts';
import { Browser } from './browser.ts';

export const BASE = 'http://localhost:5000';

/** A clock the test moves. */
export class TestClock implements Clock {
  at: Date;
  constructor(at = new Date()) {
    this.at = at;
  }
  now(): Date {
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at = new Date(this.at.getTime() + seconds * 1000);
  }
}

export interface TestApp {
  app: FastifyInstance;
  ctx: Context;
  clock: TestClock;
  url: string;
  browser(): Browser;
  close(): Promise<void>;
}

/** A database URL two app instances can share: a file for SQLite (":memory:" is per connection). */
export async function sharedDatabaseUrl(dialect: TestDialect): Promise<string> {
  if (dialect === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'federa-sp-')), 'sp.sqlite');
  return freshDatabaseUrl(dialect);
}

/**
 * Federa Workspace on a fresh database of `dialect` (or on `url`, to share one); `plugin` sees every
 * query the app makes (to count them).
 */
export async function startApp(
  dialect: TestDialect,
  options: {
    url?: string;
    config?: Partial<Config>;
    clock?: TestClock;
    plugin?: KyselyPlugin;
    /** Default: silent (TEST_LOG_LEVEL to see it). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const url = options.url ?? (await freshDatabaseUrl(dialect));
  const connected = connectDatabase<Schema>(url);
  await migrateToLatest(connected.db as never, migrations);
  const database = options.plugin ? { ...connected, db: connected.db.withPlugin(options.plugin) } : connected;
  const clock = options.clock ?? new TestClock();
  const { app, ctx } = await buildApp({
    database,
    config: testConfig({ baseUrl: BASE, ...options.config }),
    clock,
    logger: options.logger ?? createLogger('sp-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  return {
    app,
    ctx,
    clock,
    url,
    browser: () => new Browser(app),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export const PASSWORD = 'correct horse battery';

/** Signs a new browser up as `email` and returns it. */
export async function signedUp(t: TestApp, email: string, name = email.split('@')[0]!): Promise<Browser> {
  const browser = t.browser();
  await browser.get('/auth/register/');
  const response = await browser.post('/auth/register/', { name, email, password: PASSWORD });
  if (response.statusCode !== 303)
    throw new Error(`sign-up failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
  return browser;
}

/** Creates organization `slug` owned by the browser's account. */
export async function createdOrganization(
  browser: Browser,
  slug: string,
  name = slug.toUpperCase(),
): Promise<void> {
  await browser.get('/organizations/new/');
  const response = await browser.post('/organizations/new/', { name, slug });
  if (response.statusCode !== 303)
    throw new Error(`create org failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
}

/** Verifies the browser's account's address through the link mailed to it (read in the dev outbox). */
export async function verifiedEmail(browser: Browser): Promise<void> {
  const outbox = (await browser.get('/dev/outbox/')).body;
  const url = /http:\/\/localhost:5000(\/auth\/verify-email\/[A-Za-z0-9_-]+\/)/.exec(outbox)?.[1];
  if (!url) throw new Error('no verification mail in the outbox');
  const verified = await browser.get(url);
  if (verified.statusCode !== 200) throw new Error(`verification failed: ${verified.statusCode}`);
}
