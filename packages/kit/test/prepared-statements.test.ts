// PostgreSQL only: named prepared statements are a PostgreSQL protocol feature (SQLite's driver keeps
// its own statement cache, see sqlite-driver.ts).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { connectDatabase, type Database } from '../src/index.ts';

interface Schema {
  items: { id: string; name: string };
}

describe('prepared statements (postgres)', () => {
  const open: Database<Schema>[] = [];
  after(async () => {
    for (const database of open) await database.close();
  });

  /** One connection (so that every query runs on it) to a fresh database with a table. */
  async function start(): Promise<{ db: Kysely<Schema>; url: string }> {
    const url = await freshDatabaseUrl('postgres');
    const database = connectDatabase<Schema>(url, { poolSize: 1 });
    open.push(database);
    await database.db.schema
      .createTable('items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .execute();
    await database.db.insertInto('items').values({ id: 'a', name: 'Alpha' }).execute();
    return { db: database.db, url };
  }

  const byId = (db: Kysely<Schema>, id: string) =>
    db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();

  test('a parameterized query is prepared once on a connection and reused', async () => {
    const { db } = await start();
    assert.equal((await byId(db, 'a'))?.name, 'Alpha');
    assert.equal((await byId(db, 'b'))?.name, undefined);
    const { rows } = await sql<{
      name: string;
      statement: string;
    }>`SELECT name, statement FROM pg_prepared_statements`.execute(db);
    const mine = rows.filter((r) => r.statement.includes('"items"') && r.statement.includes('select'));
    assert.equal(mine.length, 1, 'the select is prepared once under one name');
    assert.match(mine[0]!.name, /^federa_/);
  });

  test('a column added by a migration meanwhile: the query is sent again unprepared', async () => {
    const { db, url } = await start();
    await byId(db, 'a');
    const other = connectDatabase<Schema>(url);
    await sql`ALTER TABLE items ADD COLUMN note text`.execute(other.db);
    await other.close();
    const row = (await byId(db, 'a')) as Record<string, unknown> | undefined;
    assert.deepEqual(row, { id: 'a', name: 'Alpha', note: null });
  });

  test('inside a transaction it fails (the transaction is aborted), and the next transaction works', async () => {
    const { db, url } = await start();
    await byId(db, 'a');
    const other = connectDatabase<Schema>(url);
    await sql`ALTER TABLE items ADD COLUMN note text`.execute(other.db);
    await other.close();
    await assert.rejects(
      db.transaction().execute((trx) => byId(trx, 'a')),
      (error: { code?: string }) => error.code === '0A000',
    );
    // Not prepared again: the next transaction works.
    assert.equal((await db.transaction().execute((trx) => byId(trx, 'a')))?.name, 'Alpha');
  });
});
