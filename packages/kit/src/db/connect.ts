import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { prepareStatements, StatementNames } from './prepared-statements.ts';
import { openSqlite } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database<Schema> {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Closes the pool or file. */
  close(): Promise<void>;
  /** PostgreSQL's connection pool right now (for the pool gauge); null for SQLite (one connection). */
  poolStats(): PoolStats | null;
  /** Statements run so far, BEGIN and COMMIT included (each is a round trip on PostgreSQL). */
  queries(): number;
  /**
   * PostgreSQL: LISTEN on `channel` over a connection of its own, reconnected after a loss (the
   * handlers hear when it is up or down: notifications sent meanwhile are lost). Returns a function
   * that stops listening. Null for SQLite, which has no notifications.
   */
  listen: ((channel: string, handlers: ListenHandlers) => () => Promise<void>) | null;
}

export interface ListenHandlers {
  notified(payload: string): void;
  /** True once LISTEN is in effect; false when the connection is lost (and again until it is back). */
  listening(up: boolean): void;
}

export interface PoolStats {
  /** Open connections. */
  total: number;
  /** Open connections not in use. */
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

/**
 * Opens the service's database: PostgreSQL for a `postgres://` URL, otherwise SQLite at the given
 * file path (`:memory:` for tests). Queries are portable Kysely: ids and timestamps are made in
 * TypeScript, booleans are stored as 0/1 integers and instants as ISO-8601 text in both.
 */
export function connectDatabase<Schema>(url: string, options: { poolSize?: number } = {}): Database<Schema> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
    });
    // A database restart must not crash the process. The pool reports an idle client's lost
    // connection here (and drops the client); a client lent out (between the queries of a transaction,
    // say) reports it on the client itself, where an unheard 'error' would end the process. Either
    // way its next query fails as "database unavailable" (503) and the pool replaces it when released.
    pool.on('error', () => {});
    const names = new StatementNames();
    pool.on('connect', (client) => {
      client.on('error', () => {});
      prepareStatements(client, names);
    });
    const counter = countQueries();
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log: counter.log });
    return {
      db,
      dialect: 'postgres',
      close: () => db.destroy(),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      queries: counter.count,
      listen: (channel, handlers) => listen(url, channel, handlers),
    };
  }
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const counter = countQueries();
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: openSqlite(path) }),
    log: counter.log,
  });
  return {
    db,
    dialect: 'sqlite',
    close: () => db.destroy(),
    poolStats: () => null,
    queries: counter.count,
    listen: null,
  };
}

/** Kysely reports every statement it runs (transactions' BEGIN and COMMIT too) to `log`. */
function countQueries(): { log: () => void; count: () => number } {
  let queries = 0;
  return {
    log: () => {
      queries++;
    },
    count: () => queries,
  };
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

function listen(url: string, channel: string, handlers: ListenHandlers): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let delay = RETRY_FIRST_MS;
  const lost = (lostClient: pg.Client) => {
    // 'error' and 'end' both arrive for one loss; the first one counts.
    if (client !== lostClient) return;
    client = null;
    handlers.listening(false);
    lostClient.end().catch(() => {});
    if (stopped) return;
    retry = setTimeout(connect, delay);
    retry.unref();
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.notified(message.payload ?? '');
    });
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
      if (client !== next) return;
      delay = RETRY_FIRST_MS;
      handlers.listening(true);
    } catch {
      lost(next);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const current = client;
    client = null;
    await current?.end().catch(() => {});
  };
}

// PostgreSQL's int8 (COUNT(*), bigint columns) arrives as text by default; our values fit a number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
