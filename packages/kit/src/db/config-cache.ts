import {
  AliasNode,
  type DeleteQueryNode,
  type InsertQueryNode,
  type Kysely,
  type KyselyPlugin,
  type Migration,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresAdapter,
  type QueryResult,
  type RootOperationNode,
  sql,
  TableNode,
  type UnknownRow,
  type UpdateQueryNode,
} from 'kysely';
import type { Logger } from '../log.ts';
import type { Database } from './connect.ts';

/** The PostgreSQL channel the triggers notify on (the payload is the table's name). */
const CHANNEL = 'federa_config_changed';

/**
 * Triggers that announce every change to the configuration tables a service caches (tenants,
 * applications, organizations, identity providers…), whoever makes it: PostgreSQL notifies
 * `federa_config_changed` when the transaction commits; SQLite, which has no notifications, counts
 * changes in `config_generation`, which every instance on the file reads before trusting its cache.
 * Idempotent, so a later migration can call it again with more tables.
 */
export function configChangesMigration(tables: readonly string[]): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`CREATE OR REPLACE FUNCTION federa_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify(${sql.lit(CHANNEL)}, TG_TABLE_NAME); RETURN NULL; END $$`.execute(db);
        for (const table of tables) {
          await sql`DROP TRIGGER IF EXISTS config_changed ON ${sql.table(table)}`.execute(db);
          await sql`CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
FOR EACH STATEMENT EXECUTE FUNCTION federa_config_changed()`.execute(db);
        }
        return;
      }
      await sql`CREATE TABLE IF NOT EXISTS config_generation (id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)`.execute(
        db,
      );
      await sql`INSERT OR IGNORE INTO config_generation (id, value) VALUES (1, 0)`.execute(db);
      for (const table of tables) {
        for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
          const name = sql.id(`${table}_config_changed_${event.toLowerCase()}`);
          await sql`CREATE TRIGGER IF NOT EXISTS ${name} AFTER ${sql.raw(event)} ON ${sql.table(table)}
BEGIN UPDATE config_generation SET value = value + 1; END`.execute(db);
        }
      }
    },
  };
}

export interface ConfigCache<Schema> {
  /**
   * The database to run everything on: its writes to a cached table empty this instance's cache as
   * soon as they are made (other instances hear of them when the transaction commits).
   */
  readonly db: Kysely<Schema>;
  /**
   * The value kept under `key`, or what `load` reads (kept unless the configuration changed while it
   * read, or it is null or undefined: nothing found). Values are frozen: callers share them. Not
   * from inside a transaction: the value must be what is committed, and on SQLite (one connection,
   * which the transaction holds) the read would wait for the transaction that waits for it.
   */
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets every value. */
  clear(): void;
  /** False while changes cannot be heard (every read then goes to the database). */
  readonly inUse: boolean;
  /** Stops listening for changes. */
  close(): Promise<void>;
}

export interface ConfigCacheOptions {
  /** The tables `configChangesMigration` watches. */
  tables: readonly string[];
  /** Most values kept; the oldest goes first. */
  maxEntries?: number;
  /** Told (warn) when changes can no longer be heard and the cache is bypassed, and (info) when they can again. */
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Told as well, for tests. */
  onListening?(up: boolean): void;
}

/**
 * Configuration that every sign-in reads (a tenant, an application and its certificates, an
 * organization and its identity provider) kept in memory, and forgotten the moment it changes on any
 * instance: a disabled application or a rolled certificate is never served from the cache after its
 * transaction commits anywhere. On PostgreSQL the triggers' notifications are heard on a connection of
 * the cache's own; while that connection is down the cache is bypassed (every read goes to the
 * database) and emptied when it is back. On SQLite each read first compares `config_generation`.
 */
export function createConfigCache<Schema>(
  database: Database<Schema>,
  options: ConfigCacheOptions,
): ConfigCache<Schema> {
  const entries = new Map<string, unknown>();
  const maxEntries = options.maxEntries ?? 10_000;
  const watched = new Set(options.tables);
  // Bumped by every clear: a value read while the configuration changed is not kept.
  let epoch = 0;
  let trusted = database.listen === null;
  let generation: number | null = null;
  const clear = () => {
    entries.clear();
    epoch++;
  };
  const stopListening =
    database.listen?.(CHANNEL, {
      notified: clear,
      listening(up) {
        clear();
        trusted = up;
        if (up) options.logger?.info('configuration changes are heard: the configuration cache is in use');
        else
          options.logger?.warn('configuration changes cannot be heard: the configuration cache is bypassed');
        options.onListening?.(up);
      },
    }) ?? (async () => {});
  const sqliteGeneration = async () => {
    const { rows } = await sql<{ value: number }>`SELECT value FROM config_generation`.execute(database.db);
    const value = rows[0]?.value ?? 0;
    if (value !== generation) {
      clear();
      generation = value;
    }
  };
  const writes = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const table = writtenTable(args.node);
      if (table !== null && watched.has(table)) {
        writes.add(args.queryId);
        clear();
      }
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      // Again once written: a read that ran meanwhile may have kept what was there before.
      if (writes.delete(args.queryId)) clear();
      return args.result;
    },
  };
  return {
    db: database.db.withPlugin(plugin),
    async get<T>(key: string, load: () => Promise<T>): Promise<T> {
      if (database.listen === null) await sqliteGeneration();
      if (!trusted) return load();
      if (entries.has(key)) return entries.get(key) as T;
      const before = epoch;
      const value = deepFreeze(await load());
      // Nothing found is not kept: addresses anyone can make up (random slugs) would push out the
      // configuration in use, and each costs one read as it did before.
      if (epoch === before && trusted && value !== undefined && value !== null) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
    clear,
    get inUse() {
      return trusted;
    },
    close: stopListening,
  };
}

function tableName(node: OperationNode | undefined): string | null {
  if (node && TableNode.is(node)) return node.table.identifier.name;
  if (node && AliasNode.is(node)) return tableName(node.node);
  return null;
}

/** The table an INSERT, UPDATE or DELETE writes; null for anything else. */
function writtenTable(node: RootOperationNode): string | null {
  if (node.kind === 'InsertQueryNode') return tableName((node as InsertQueryNode).into);
  if (node.kind === 'UpdateQueryNode') return tableName((node as UpdateQueryNode).table);
  if (node.kind === 'DeleteQueryNode') return tableName((node as DeleteQueryNode).from.froms[0]);
  return null;
}

/** Plain objects and arrays frozen all the way down (class instances, such as keys, are left as they are). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
