import type { Kysely, Migration } from 'kysely';

/**
 * 0016-password-reset: the tenant's self-service password reset policy (Entra's Password reset ›
 * Properties: None, Selected with one group, or All; no row is None, as a new Entra tenant has it), and
 * the user's `sign_in_sessions_valid_from` (Graph's signInSessionsValidFromDateTime): an SSO session
 * started before it is no longer signed in. A password reset sets it, so that the sessions a thief
 * may hold end with it.
 */
export const passwordResetMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenant_password_reset')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      /** none, selected, all */
      .addColumn('enabled_for', 'text', (c) => c.notNull())
      // No foreign key: a deleted group leaves the policy naming nobody (the portal says so).
      .addColumn('group_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('users').addColumn('sign_in_sessions_valid_from', 'text').execute();
  },
};
