import type { Kysely, Migration } from 'kysely';

/**
 * "Lost your password?" (issue 11): the one-time links a reset is mailed with. Only the SHA-256 of a
 * link's token is kept; a link works once, for an hour, and only while the account keeps the address
 * it was mailed to.
 */
export const passwordResetsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('password_resets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('password_resets_user').on('password_resets').column('user_id').execute();
  },
};
