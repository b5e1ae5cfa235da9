import { connectDatabase, createLogger, migrateToLatest } from '@federa/kit';
import { type Clock, systemRandom } from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { DIALECTS, freshDatabaseUrl, type TestDialect } from '../../../../test/support/databases.ts';
import { buildApp } from '../../src/app.ts';
import type { IdpConfig } from '../../src/config.ts';
import type { Actor, Deps } from '../../src/context.ts';
import { migrations } from '../../src/db/migrations.ts';
import type { IdpDatabase } from '../../src/db/schema.ts';

export { DIALECTS, type TestDialect };

export const BASE_URL = 'http://127.0.0.1:4000';

/**
 * A clock tests move by hand. Each reading is one millisecond after the one before, so that rows
 * written one after the other (sign-in logs, audit entries) keep their order.
 */
export class ManualClock implements Clock {
  private at: number;
  constructor(start: string | Date = '2026-03-02T09:00:00.000Z') {
    this.at = new Date(start).getTime();
  }
  now(): Date {
    this.at += 1;
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

export interface TestIdp {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Default: a ManualClock at a fixed date. Interop tests with real SPs start one at the real time. */
  clock?: ManualClock;
  signInRateLimitPerMinute?: number;
  baseUrl?: string;
}

export function testConfig(overrides: Partial<IdpConfig> = {}): IdpConfig {
  return {
    baseUrl: BASE_URL,
    host: '127.0.0.1',
    port: 4000,
    databaseUrl: ':memory:',
    logLevel: 'silent',
    databasePoolSize: 4,
    shutdownTimeoutSeconds: 10,
    secretKey: Buffer.alloc(32, 7),
    sessionMaxAgeSeconds: 12 * 3600,
    signInRateLimitPerMinute: 1000,
    ...overrides,
  };
}

/** Federa Directory on a fresh, migrated database of `dialect`, for `app.inject`. */
export async function startIdp(dialect: TestDialect, options: StartOptions = {}): Promise<TestIdp> {
  const database = connectDatabase<IdpDatabase>(await freshDatabaseUrl(dialect), { poolSize: 4 });
  await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
  const clock = options.clock ?? new ManualClock();
  const config = testConfig({
    signInRateLimitPerMinute: options.signInRateLimitPerMinute ?? 1000,
    baseUrl: options.baseUrl ?? BASE_URL,
  });
  const app = await buildApp({
    database,
    config,
    clock,
    random: systemRandom,
    logger: createLogger('idp-test', 'silent'),
  });
  return {
    app,
    deps: app.deps,
    clock,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export const TEST_ACTOR: Actor = { id: null, name: 'test', correlationId: null };
