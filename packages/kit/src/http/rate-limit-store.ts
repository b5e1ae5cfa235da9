import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Kysely, Migration } from 'kysely';

/**
 * The rate-limit counters table, one per service database (each app lists this migration among its
 * own). One row per key (route + client address) and fixed window: the count so far and when the
 * window ends.
 */
export const rateLimitsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('reset_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_reset_at').on('rate_limits').column('reset_at').execute();
  },
};

interface RateLimitsTable {
  rate_limits: { key: string; hits: number; reset_at: string };
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for `@fastify/rate-limit` that keeps its counters in the service's database, so that every
 * instance on one database counts the same requests: a client cannot get N times the limit by being
 * spread over N instances. Each hit is one upsert (`INSERT … ON CONFLICT (key) DO UPDATE`, atomic on
 * both SQLite and PostgreSQL) that starts a new fixed window once the old one has ended.
 * (`continueExceeding` and `exponentialBackoff` are not supported: Federa uses neither.)
 *
 * @example
 * await app.register(rateLimit, { global: false, store: databaseRateLimitStore(db) });
 */
export function databaseRateLimitStore(
  db: Kysely<unknown>,
  options: { now?: () => Date } = {},
): FastifyRateLimitStoreCtor {
  const table = db as unknown as Kysely<RateLimitsTable>;
  const now = options.now ?? (() => new Date());

  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly prefix: string;

    constructor(_options: unknown, prefix = '') {
      this.prefix = prefix;
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      const nowIso = at.toISOString();
      table
        .insertInto('rate_limits')
        .values({
          key: this.prefix + key,
          hits: 1,
          reset_at: new Date(at.getTime() + timeWindow).toISOString(),
        })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet((eb) => {
            // Both SET expressions read the row as it was before this update.
            const ended = eb('rate_limits.reset_at', '<=', nowIso);
            return {
              hits: eb
                .case()
                .when(ended)
                .then(1)
                .else(eb('rate_limits.hits', '+', 1))
                .end(),
              reset_at: eb
                .case()
                .when(ended)
                .then(eb.ref('excluded.reset_at'))
                .else(eb.ref('rate_limits.reset_at'))
                .end(),
            };
          }),
        )
        .returning(['hits', 'reset_at'])
        .executeTakeFirstOrThrow()
        .then(
          (row) => callback(null, { current: Number(row.hits), ttl: ttlOf(row.reset_at, at) }),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    }

    read(key: string, callback: Callback): void {
      const at = now();
      table
        .selectFrom('rate_limits')
        .select(['hits', 'reset_at'])
        .where('key', '=', this.prefix + key)
        .executeTakeFirst()
        .then(
          (row) =>
            callback(
              null,
              row && row.reset_at > at.toISOString()
                ? { current: Number(row.hits), ttl: ttlOf(row.reset_at, at) }
                : { current: 0, ttl: 0 },
            ),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    }

    /** A route's own counters (the plugin calls this for each route with its own limit). */
    child(routeOptions: object): FastifyRateLimitStore {
      // The plugin passes the route's merged limit settings, with the route itself as `routeInfo`.
      const route = (routeOptions as { routeInfo?: { method?: unknown; url?: string } }).routeInfo ?? {};
      return new DatabaseRateLimitStore(
        null,
        `${this.prefix}${String(route.method ?? '')}${route.url ?? ''}-`,
      );
    }
  }
  return DatabaseRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}

const ttlOf = (resetAt: string, at: Date): number => Math.max(0, Date.parse(resetAt) - at.getTime());

/** Deletes counters whose window has ended; services call it on their sweep timer. */
export async function deleteExpiredRateLimits(db: Kysely<unknown>, now: Date): Promise<number> {
  const result = await (db as unknown as Kysely<RateLimitsTable>)
    .deleteFrom('rate_limits')
    .where('reset_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
