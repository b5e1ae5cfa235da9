import { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SqliteDialect over Node's built-in `node:sqlite` (no native add-on to build). WAL so that
 * readers never wait for the writer; a busy timeout so two processes on one file queue rather than fail.
 */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;',
  );
  return {
    close: () => db.close(),
    prepare(sql) {
      const statement = db.prepare(sql);
      const reader = statement.columns().length > 0;
      return {
        reader,
        all: (parameters) => statement.all(...(parameters as never[])),
        run: (parameters) => statement.run(...(parameters as never[])),
        iterate: (parameters) => statement.iterate(...(parameters as never[])),
      };
    },
  };
}
