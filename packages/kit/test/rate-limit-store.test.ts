import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, freshDatabaseUrl, type TestDialect } from '../../../test/support/databases.ts';
import {
  AppError,
  connectDatabase,
  createLogger,
  createServer,
  databaseRateLimitStore,
  deleteExpiredRateLimits,
  migrateToLatest,
  rateLimitsMigration,
  sessionsMigration,
} from '../src/index.ts';

const MIGRATIONS = { '0000-sessions': sessionsMigration, '0001-rate-limits': rateLimitsMigration };

/** A database two instances can share (SQLite's ":memory:" is one per connection, so a file). */
async function sharedUrl(dialect: TestDialect): Promise<string> {
  if (dialect === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'federa-kit-')), 'kit.sqlite');
  return freshDatabaseUrl(dialect);
}

/** One service instance: its own connection (pool) to the shared database, and a limited route. */
async function instance(
  url: string,
  now: () => Date,
): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const database = connectDatabase<unknown>(url);
  await migrateToLatest(database.db, MIGRATIONS);
  const app = await createServer({
    brand: { key: 'ws', name: 'Test', home: '/' },
    logger: createLogger('test', 'silent'),
    db: database.db,
    session: { cookieName: 'federa_test_session', maxAgeSeconds: 60, sameSite: 'lax', secure: false },
  });
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(database.db, { now }),
    errorResponseBuilder: () => new AppError('rate_limited', 429, 'Too many attempts.'),
  });
  app.post('/login', { config: { csrf: false, rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => ({
    ok: true,
  }));
  app.post('/other', { config: { csrf: false, rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => ({
    ok: true,
  }));
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

const hit = (app: FastifyInstance, url: string, ip = '192.0.2.7') =>
  app.inject({ method: 'POST', url, remoteAddress: ip });

for (const dialect of DIALECTS) {
  describe(`rate-limit counters in the database on ${dialect}`, () => {
    test('two instances on one database share one count per client and route', async () => {
      let at = new Date('2030-01-01T09:00:00.000Z');
      const url = await sharedUrl(dialect);
      const a = await instance(url, () => at);
      const b = await instance(url, () => at);
      try {
        assert.equal((await hit(a.app, '/login')).statusCode, 200);
        assert.equal((await hit(b.app, '/login')).statusCode, 200);
        const third = await hit(a.app, '/login');
        assert.equal(third.statusCode, 200);
        assert.equal(third.headers['x-ratelimit-remaining'], '0');
        // The fourth request, at the other instance, is over the limit of 3.
        const fourth = await hit(b.app, '/login');
        assert.equal(fourth.statusCode, 429);
        assert.equal(fourth.headers['retry-after'], '60');
        // Another client, and another route, have counts of their own.
        assert.equal((await hit(b.app, '/login', '192.0.2.8')).statusCode, 200);
        assert.equal((await hit(a.app, '/other')).statusCode, 200);
        // A new window starts once the old one has ended.
        at = new Date(at.getTime() + 61_000);
        assert.equal((await hit(a.app, '/login')).statusCode, 200);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('counts every one of many concurrent hits from two instances exactly once', async () => {
      const at = new Date('2030-01-01T09:00:00.000Z');
      const url = await sharedUrl(dialect);
      const a = await instance(url, () => at);
      const b = await instance(url, () => at);
      try {
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) => hit(i % 2 === 0 ? a.app : b.app, '/login')),
        );
        const statuses = responses.map((r) => r.statusCode);
        assert.equal(statuses.filter((s) => s === 200).length, 3);
        assert.equal(statuses.filter((s) => s === 429).length, 17);
        const remaining = responses.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort();
        assert.deepEqual(remaining.slice(-3), [0, 1, 2], 'each allowed hit saw its own count');
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('expired counters are swept', async () => {
      const at = new Date('2030-01-01T09:00:00.000Z');
      const url = await sharedUrl(dialect);
      const a = await instance(url, () => at);
      const database = connectDatabase<unknown>(url);
      try {
        await hit(a.app, '/login');
        await hit(a.app, '/other');
        assert.equal(await deleteExpiredRateLimits(database.db, at), 0);
        assert.equal(await deleteExpiredRateLimits(database.db, new Date(at.getTime() + 60_000)), 2);
      } finally {
        await a.close();
        await database.close();
      }
    });
  });
}
