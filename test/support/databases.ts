// Every database test runs on both dialects (STYLE.md: Kysely's own tests loop over DIALECTS).
// SQLite is a fresh in-memory database; PostgreSQL a fresh database on the server `npm test` started
// (TEST_POSTGRES_URL), or on one this process starts when a test file is run on its own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgres } from '../../scripts/postgres.ts';

export type TestDialect = 'sqlite' | 'postgres';
export const DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

let server: Promise<string> | null = null;

function postgresServer(): Promise<string> {
  server ??= process.env.TEST_POSTGRES_URL
    ? Promise.resolve(process.env.TEST_POSTGRES_URL)
    : startPostgres().then((running) => running.url);
  return server;
}

/** A URL for a new, empty database of `dialect`, dropped when the process ends. */
export async function freshDatabaseUrl(dialect: TestDialect): Promise<string> {
  if (dialect === 'sqlite') return ':memory:';
  const admin = await postgresServer();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
