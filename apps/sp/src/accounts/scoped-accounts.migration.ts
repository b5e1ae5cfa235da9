import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * Accounts an organization's IdP made for an address it has not proven (security baseline 11):
 *   users.scope_organization_id  the organization such an account belongs to; null for a Workspace-wide
 *                                account, the only kind whose email is reserved (unique)
 *   users.email_verified_at      when the Workspace itself verified the address (a mailed link, or a
 *                                domain the organization verified); only such an address is a target
 *                                for a link by email
 *   email_verifications          the one-time links that verify an account's address
 *   outbox.verifies_user_id      a message that verifies that account's address (the development
 *                                outbox shows other mail only to an account whose address is verified)
 */
export const scopedAccountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await db.schema.alterTable('users').dropConstraint('users_email_key').execute();
      await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();
      await db.schema
        .alterTable('users')
        .addColumn('scope_organization_id', 'text', (c) =>
          c.references('organizations.id').onDelete('cascade'),
        )
        .execute();
    } else {
      await rebuildSqliteUsers(db);
    }
    // One Workspace-wide account per address; scoped accounts reserve nothing.
    await db.schema
      .createIndex('users_email_global')
      .on('users')
      .column('email')
      .unique()
      .where(sql.ref('scope_organization_id'), 'is', null)
      .execute();
    await db.schema
      .createIndex('users_scope_email')
      .on('users')
      .columns(['scope_organization_id', 'email'])
      .execute();

    await db.schema
      .createTable('email_verifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();

    await db.schema.alterTable('outbox').addColumn('verifies_user_id', 'text').execute();

    // Accounts just-in-time provisioning made before this migration (no password; one identity, one
    // membership) were Workspace-wide on an IdP's word: they become accounts of that organization, as
    // they would be made now, so that an earlier squat no longer holds the address.
    await sql`UPDATE users SET scope_organization_id = (
        SELECT p.organization_id FROM identities i JOIN auth_providers p ON p.id = i.provider_id
        WHERE i.user_id = users.id)
      WHERE password_hash IS NULL
        AND (SELECT COUNT(*) FROM identities i WHERE i.user_id = users.id) = 1
        AND (SELECT COUNT(*) FROM memberships m WHERE m.user_id = users.id) = 1
        AND (SELECT p.organization_id FROM identities i JOIN auth_providers p ON p.id = i.provider_id
          WHERE i.user_id = users.id) = (SELECT m.organization_id FROM memberships m WHERE m.user_id = users.id)`.execute(
      db,
    );
  },
};

/**
 * SQLite cannot drop the column's UNIQUE constraint: the table is rebuilt (SQLite's "other kinds of
 * table schema changes", https://www.sqlite.org/lang_altertable.html#otheralter). Migrations run
 * outside a transaction on SQLite, so foreign keys can be turned off while the old table is dropped
 * (with them on, DROP TABLE would cascade into memberships and identities).
 */
async function rebuildSqliteUsers(db: Kysely<unknown>): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await sql`BEGIN`.execute(db);
    await db.schema
      .createTable('users_rebuilt')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('email_verified_at', 'text')
      .addColumn('scope_organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
      .execute();
    await sql`INSERT INTO users_rebuilt (id, email, name, password_hash, failed_sign_ins, locked_until, created_at)
      SELECT id, email, name, password_hash, failed_sign_ins, locked_until, created_at FROM users`.execute(
      db,
    );
    await sql`DROP TABLE users`.execute(db);
    await sql`ALTER TABLE users_rebuilt RENAME TO users`.execute(db);
    const broken = await sql`PRAGMA foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error('rebuilding users broke a foreign key');
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db).catch(() => {});
    throw error;
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
