import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Distinct statements a process prepares at most; `IN (…)` lists of every length are distinct texts. */
const MAX_NAMED = 500;

/**
 * Makes a pooled PostgreSQL connection prepare each parameterized statement once and reuse it (a
 * named prepared statement), instead of having the server parse and plan the same text for every
 * query: Kysely sends the same few dozen texts all day. What JDBC does after `prepareThreshold`.
 *
 * A prepared `SELECT *` fails with "cached plan must not change result type" once a migration (of a
 * newer version, during a rolling deploy) adds a column to its table. Outside a transaction the query
 * is then sent again unprepared; inside one it fails (the transaction is already aborted). Either way
 * that text is not prepared again by this process.
 */
export function prepareStatements(client: pg.PoolClient, names: StatementNames): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
  let inTransaction = false;
  const prepared = async (text: string, values: unknown[]): Promise<pg.QueryResult> => {
    const name = names.nameOf(text);
    if (name === null) return query(text, values);
    try {
      return await query({ name, text, values });
    } catch (error) {
      if ((error as { code?: string }).code !== '0A000') throw error;
      names.forget(text);
      if (inTransaction) throw error;
      return query(text, values);
    }
  };
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || callback !== undefined) return query(text, values, callback);
    if (/^\s*(begin|start transaction)\b/i.test(text)) inTransaction = true;
    else if (/^\s*(commit|rollback)\b/i.test(text)) inTransaction = false;
    if (!Array.isArray(values) || values.length === 0) return query(text, values);
    return prepared(text, values);
  }) as typeof client.query;
}

/** Names for statement texts, shared by a pool's connections. */
export class StatementNames {
  private readonly names = new Map<string, string | null>();

  nameOf(text: string): string | null {
    let name = this.names.get(text);
    if (name === undefined) {
      name =
        this.names.size < MAX_NAMED
          ? `federa_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
          : null;
      this.names.set(text, name);
    }
    return name;
  }

  /** Never prepare `text` again (its prepared form failed). */
  forget(text: string): void {
    this.names.set(text, null);
  }
}
