import { configChangesMigration } from '@federa/kit';
import type { Kysely, Migration } from 'kysely';

/**
 * 0014-keep-signed-in: the tenant's user settings, of which Entra's "Show keep user signed in" is the
 * first. No row: the prompt is off (a new tenant and the demo sign in as the tutorial shows).
 */
export const keepSignedInMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenant_user_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      .addColumn('show_keep_signed_in', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Read by every interactive sign-in, so kept in the configuration cache (`CONFIG_TABLES`).
    await configChangesMigration(['tenant_user_settings']).up(db);
  },
};
