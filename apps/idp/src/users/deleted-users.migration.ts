import type { Kysely, Migration } from 'kysely';

/**
 * Deleted users, as Entra keeps them: a deleted user stays 30 days under Users › Deleted users
 * (`deleted_at` set, null for everyone else) with their assignments and group memberships, until
 * restored or deleted permanently.
 */
export const deletedUsersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('deleted_at', 'text').execute();
    await db.schema.createIndex('users_deleted_at').on('users').column('deleted_at').execute();
  },
};
