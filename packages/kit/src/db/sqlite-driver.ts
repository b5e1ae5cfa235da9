import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SqliteDialect over Node's built-in `node:sqlite` (no native add-on to build). WAL so that
 * readers never wait for the writer; a busy timeout so two processes on one file queue rather than fail.
 */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;',
  );
  // Prepared statements are kept by SQL text (compiling SQL is a tenth of a request's CPU time
  // otherwise). Reusing one is safe: `all` and `run` finish synchronously before anything else runs;
  // `iterate` (streaming, which can interleave) gets a statement of its own.
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = db.prepare(sql);
      const prepared: SqliteStatement = {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...(parameters as never[])),
        run: (parameters) => statement.run(...(parameters as never[])),
        iterate: (parameters) => db.prepare(sql).iterate(...(parameters as never[])),
      };
      // Bounded: `IN (…)` lists of every length are distinct texts.
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, prepared);
      return prepared;
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;
