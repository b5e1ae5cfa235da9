import { configChangesMigration } from '@federa/kit';
import type { Kysely, Migration } from 'kysely';

/**
 * Conditional Access (issue 13): named locations and policies of a tenant, stored in Graph's shapes
 * (`ipNamedLocation`, `conditionalAccessPolicy`; the JSON is validated on write by `policy.ts` and
 * `named-location.ts`), and on each sign-in log row the Conditional Access status and what every
 * policy decided (Graph's `signIn.conditionalAccessStatus` and `appliedConditionalAccessPolicies`).
 * Both tables are configuration the sign-in cache keeps (`CONFIG_TABLES`), with its change triggers.
 */
export const conditionalAccessMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ca_named_locations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('is_trusted', 'integer', (c) => c.notNull())
      .addColumn('ip_ranges', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('modified_at', 'text')
      .execute();
    await db.schema
      .createIndex('ca_named_locations_tenant')
      .on('ca_named_locations')
      .column('tenant_id')
      .execute();
    await db.schema
      .createTable('ca_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('modified_at', 'text')
      .execute();
    await db.schema.createIndex('ca_policies_tenant').on('ca_policies').column('tenant_id').execute();
    await db.schema.alterTable('sign_in_logs').addColumn('conditional_access_status', 'text').execute();
    await db.schema.alterTable('sign_in_logs').addColumn('conditional_access', 'text').execute();
    // Every sign-in reads the tenant's policies and locations through the configuration cache.
    await configChangesMigration(['ca_named_locations', 'ca_policies']).up(db);
  },
};
