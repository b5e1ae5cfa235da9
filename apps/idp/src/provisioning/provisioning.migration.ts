import type { Kysely, Migration } from 'kysely';

/**
 * Automatic provisioning (SCIM client) of enterprise applications: each application's provisioning
 * settings (the Secret Token sealed under IDP_SECRET_KEY), the lease that lets one instance run its
 * cycle at a time, what was synced per object (so that a cycle resumes after a crash), and the
 * provisioning logs.
 */
export const provisioningMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('provisioning_configs')
      .addColumn('application_id', 'text', (c) =>
        c.primaryKey().references('applications.id').onDelete('cascade'),
      )
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('tenant_url', 'text')
      .addColumn('secret_sealed', 'text')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('provision_groups', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('user_mappings', 'text', (c) => c.notNull())
      .addColumn('notify_on_failure', 'integer', (c) => c.notNull())
      .addColumn('initial_done', 'integer', (c) => c.notNull())
      .addColumn('changes_seen_at', 'text')
      .addColumn('next_run_at', 'text')
      .addColumn('last_cycle_at', 'text')
      .addColumn('last_cycle_summary', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
      .addColumn('quarantined_at', 'text')
      .addColumn('quarantine_reason', 'text')
      .addColumn('quarantine_notified', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('provisioning_configs_tenant')
      .on('provisioning_configs')
      .column('tenant_id')
      .execute();

    await db.schema
      .createTable('provisioning_leases')
      .addColumn('application_id', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('provisioning_objects')
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('synced', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('provisioning_objects_pk', ['application_id', 'object_type', 'source_id'])
      .execute();

    await db.schema
      .createTable('provisioning_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('cycle_id', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('source_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text')
      .addColumn('changed', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('provisioning_logs_app_time')
      .on('provisioning_logs')
      .columns(['application_id', 'created_at'])
      .execute();
  },
};
