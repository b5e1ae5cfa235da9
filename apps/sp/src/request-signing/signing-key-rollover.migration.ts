import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * SP signing-key rollover (issue 12, item 7: "rolled over like the Directory's"): an organization
 * keeps up to three keys, each with a `status`:
 *   active    signs its requests; exactly the one `spSigningCredential` returns
 *   next      made by "New signing key", published beside the active one so that the IdP can trust it
 *             before "Use the new key" makes it active
 *   previous  the key "Use the new key" replaced, still published until "Remove", for an IdP that
 *             re-reads the metadata late
 * One of each per organization (partial unique indexes); the keys that exist become active.
 */
export const signingKeyRolloverMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await db.schema
        .alterTable('sp_signing_keys')
        .dropConstraint('sp_signing_keys_organization_id_key')
        .execute();
      await db.schema
        .alterTable('sp_signing_keys')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
    } else {
      await rebuildSqliteSigningKeys(db);
    }
    for (const status of ['active', 'next', 'previous']) {
      await db.schema
        .createIndex(`sp_signing_keys_one_${status}`)
        .on('sp_signing_keys')
        .column('organization_id')
        .unique()
        .where(sql.ref('status'), '=', sql.lit(status))
        .execute();
    }
  },
};

/**
 * SQLite cannot drop the column's UNIQUE constraint: the table is rebuilt, as 0006 rebuilds `users`
 * (https://www.sqlite.org/lang_altertable.html#otheralter). Nothing references sp_signing_keys, but
 * foreign keys are off while the old table goes so that the rebuild is the same shape as that one.
 */
async function rebuildSqliteSigningKeys(db: Kysely<unknown>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await sql`BEGIN`.execute(db);
    await db.schema
      .createTable('sp_signing_keys_rebuilt')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('private_key_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .execute();
    await sql`INSERT INTO sp_signing_keys_rebuilt (id, organization_id, certificate_pem, private_key_sealed, created_at, status)
      SELECT id, organization_id, certificate_pem, private_key_sealed, created_at, 'active' FROM sp_signing_keys`.execute(
      db,
    );
    await sql`DROP TABLE sp_signing_keys`.execute(db);
    await sql`ALTER TABLE sp_signing_keys_rebuilt RENAME TO sp_signing_keys`.execute(db);
    const broken = await sql`PRAGMA foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error('rebuilding sp_signing_keys broke a foreign key');
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db).catch(() => {});
    throw error;
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
