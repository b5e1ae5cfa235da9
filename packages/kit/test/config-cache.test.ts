import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { DIALECTS, freshDatabaseUrl, type TestDialect } from '../../../test/support/databases.ts';
import {
  type ConfigCache,
  configChangesMigration,
  connectDatabase,
  createConfigCache,
  type Database,
  migrateToLatest,
} from '../src/index.ts';

interface Schema {
  providers: { id: string; name: string };
  sessions: { id: string; name: string | null };
}

const MIGRATIONS = {
  '0001-tables': {
    async up(db: Kysely<unknown>) {
      for (const table of ['providers', 'sessions']) {
        await db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text')
          .execute();
      }
    },
  },
  '0002-config-changes': configChangesMigration(['providers']),
};

async function sharedUrl(dialect: TestDialect): Promise<string> {
  if (dialect === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'federa-kit-')), 'kit.sqlite');
  return freshDatabaseUrl(dialect);
}

/** Polls `condition` (a notification takes a moment to arrive), for two seconds at most. */
async function eventually(condition: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

interface Instance {
  database: Database<Schema>;
  cache: ConfigCache<Schema>;
  loads: number;
  name(): Promise<string | undefined>;
}

function instance(url: string): Instance {
  const database = connectDatabase<Schema>(url);
  const cache = createConfigCache(database, { tables: ['providers'] });
  const self: Instance = {
    database,
    cache,
    loads: 0,
    name: () =>
      cache.get('provider:p1', async () => {
        self.loads++;
        const row = await cache.db
          .selectFrom('providers')
          .select('name')
          .where('id', '=', 'p1')
          .executeTakeFirst();
        return row?.name;
      }),
  };
  return self;
}

/** Waits until the cache keeps values (on PostgreSQL, once its LISTEN is in effect). */
async function warm(i: Instance): Promise<void> {
  assert.ok(
    await eventually(async () => {
      const before = i.loads;
      await i.name();
      await i.name();
      return i.loads === before + 1 || i.loads === before;
    }),
    'the cache never kept a value',
  );
}

for (const dialect of DIALECTS) {
  describe(`config cache (${dialect})`, () => {
    const open: Instance[] = [];
    after(async () => {
      for (const i of open) {
        await i.cache.close();
        await i.database.close();
      }
    });
    const start = async () => {
      const url = await sharedUrl(dialect);
      const setup = connectDatabase<Schema>(url);
      await migrateToLatest(setup.db as never, MIGRATIONS);
      await setup.db.insertInto('providers').values({ id: 'p1', name: 'Contoso' }).execute();
      await setup.close();
      const a = instance(url);
      const b = instance(url);
      open.push(a, b);
      await warm(a);
      await warm(b);
      return { url, a, b };
    };

    test('a value is read once and then kept, frozen', async () => {
      const { a } = await start();
      const loads = a.loads;
      assert.equal(await a.name(), 'Contoso');
      assert.equal(await a.name(), 'Contoso');
      assert.equal(a.loads, loads);
      const frozen = await a.cache.get('object', async () => ({ list: [{ x: 1 }] }));
      assert.throws(() => {
        (frozen.list[0] as { x: number }).x = 2;
      }, TypeError);
    });

    test('nothing found is not kept (made-up keys cannot push out what is in use)', async () => {
      const { a } = await start();
      let loads = 0;
      const missing = () =>
        a.cache.get('provider:nope', async () => {
          loads++;
          return undefined;
        });
      await missing();
      await missing();
      assert.equal(loads, 2);
    });

    test("this instance's own write is seen at once", async () => {
      const { a } = await start();
      await a.cache.db.updateTable('providers').set({ name: 'Fabrikam' }).where('id', '=', 'p1').execute();
      assert.equal(await a.name(), 'Fabrikam');
    });

    test("another instance's write is seen once it commits, inside a transaction too", async () => {
      const { a, b } = await start();
      await b.cache.db.transaction().execute(async (trx) => {
        await trx.updateTable('providers').set({ name: 'Fabrikam' }).where('id', '=', 'p1').execute();
      });
      assert.ok(await eventually(async () => (await a.name()) === 'Fabrikam'));
    });

    test('a write made without the cache (another tool, raw SQL) is seen too', async () => {
      const { url, a } = await start();
      const other = connectDatabase<Schema>(url);
      await other.db.deleteFrom('providers').execute();
      await other.close();
      assert.ok(await eventually(async () => (await a.name()) === undefined));
    });

    test('writes to tables it does not watch keep the cache', async () => {
      const { a, b } = await start();
      const loads = a.loads;
      await b.cache.db.insertInto('sessions').values({ id: 's1', name: 'x' }).execute();
      await new Promise((r) => setTimeout(r, 100));
      await a.name();
      assert.equal(a.loads, loads);
    });
  });
}

describe('config cache (postgres): while it cannot hear changes', () => {
  test('it reads the database every time, and keeps values again once it hears them', async () => {
    const url = await freshDatabaseUrl('postgres');
    const setup = connectDatabase<Schema>(url);
    await migrateToLatest(setup.db as never, MIGRATIONS);
    await setup.db.insertInto('providers').values({ id: 'p1', name: 'Contoso' }).execute();
    await setup.close();
    const states: boolean[] = [];
    let deaf: { inUse: boolean; loads: number } | null = null;
    const database = connectDatabase<Schema>(url);
    const cache = createConfigCache(database, {
      tables: ['providers'],
      onListening: (up) => {
        states.push(up);
        // Checked at the moment it goes deaf, before the listener can come back: two reads, two loads.
        if (!up && deaf === null) {
          const before = loads;
          void read();
          void read();
          deaf = { inUse: cache.inUse, loads: loads - before };
        }
      },
    });
    let loads = 0;
    const read = () =>
      cache.get('k', async () => {
        loads++;
        return 'v';
      });
    try {
      assert.ok(await eventually(async () => states.at(-1) === true));
      // Its listening connection is cut: a change made now would never be heard.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND datname = current_database()`,
      );
      await admin.end();
      assert.ok(await eventually(async () => states.includes(false)));
      assert.deepEqual(deaf, { inUse: false, loads: 2 }, 'read from the cache while deaf');
      assert.ok(await eventually(async () => states.at(-1) === true), 'never listened again');
      assert.equal(cache.inUse, true);
      const before = loads;
      await read();
      await read();
      assert.equal(loads, before + 1);
    } finally {
      await cache.close();
      await database.close();
    }
  });
});
