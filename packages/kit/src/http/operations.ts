import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { ConfigCache } from '../db/config-cache.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';

/**
 * The database as Prometheus reads it (at scrape time, so it costs nothing between scrapes):
 * `federa_db_queries_total`, statements run (each a round trip on PostgreSQL; transactions' BEGIN and
 * COMMIT included), and on PostgreSQL `federa_db_pool_connections{state="total|idle|waiting"}`.
 */
export function observeDatabase(
  app: FastifyInstance,
  database: Pick<Database<unknown>, 'poolStats' | 'queries'>,
): void {
  let reported = 0;
  new Counter({
    name: 'federa_db_queries_total',
    help: 'Database statements run, BEGIN and COMMIT included',
    registers: [app.metrics.registry],
    collect() {
      const now = database.queries();
      this.inc(now - reported);
      reported = now;
    },
  });
  if (database.poolStats() === null) return;
  new Gauge({
    name: 'federa_db_pool_connections',
    help: 'Database pool connections by state (total open, idle, and queries waiting for one)',
    labelNames: ['state'],
    registers: [app.metrics.registry],
    collect() {
      const now = database.poolStats();
      if (!now) return;
      this.set({ state: 'total' }, now.total);
      this.set({ state: 'idle' }, now.idle);
      this.set({ state: 'waiting' }, now.waiting);
    },
  });
}

/**
 * `federa_config_cache_in_use`: 1 while the instance hears configuration changes and keeps its
 * configuration cache, 0 while it cannot (its listening connection lost) and reads the database
 * every time. A 0 that lasts is worth an alert: sign-ins are slower, never stale.
 */
export function observeConfigCache(app: FastifyInstance, cache: Pick<ConfigCache<unknown>, 'inUse'>): void {
  new Gauge({
    name: 'federa_config_cache_in_use',
    help: 'Whether the configuration cache is in use (1) or bypassed because changes cannot be heard (0)',
    registers: [app.metrics.registry],
    collect() {
      this.set(cache.inUse ? 1 : 0);
    },
  });
}

/**
 * Stops a service on SIGTERM or SIGINT: stops taking connections, lets the requests in flight finish
 * (Fastify's close waits for them; new requests on kept-alive connections get 503), then runs
 * `cleanup` (close the database) and exits 0. A request that outlasts `drainMs` does not hold the
 * process forever: it then exits 1.
 */
export function drainOnSignals(
  app: FastifyInstance,
  logger: Logger,
  options: { drainMs?: number; beforeClose?: () => void; cleanup: () => Promise<void> },
): void {
  const drainMs = options.drainMs ?? 10_000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs }, 'draining');
    const deadline = setTimeout(() => {
      logger.error({ drainMs }, 'requests still in flight after the drain timeout; exiting');
      process.exit(1);
    }, drainMs);
    deadline.unref();
    options.beforeClose?.();
    // Fastify's close waits for every connection to end. A request in flight when the signal came
    // leaves its keep-alive connection idle once answered: close such connections as they go idle.
    const idle = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
      clearInterval(idle);
      await options.cleanup();
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
