import type { Kysely, Migration } from 'kysely';

/** Admin API bearer tokens: only a SHA-256 of each token is kept (portable DDL, like 0001). */
export const apiTokensMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by_id', 'text')
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('api_tokens_tenant')
      .on('api_tokens')
      .columns(['tenant_id', 'created_at'])
      .execute();
  },
};
