import { configChangesMigration } from '@federa/kit';
import type { Kysely, Migration } from 'kysely';

/**
 * Strong sign-in: each user's authentication methods (TOTP authenticator apps; the secret sealed
 * under IDP_SECRET_KEY), each user's MFA state (Entra's legacy per-user MFA, the last TOTP time-step
 * used, when registration was first asked for), the tenant's security defaults, and what each
 * sign-in log row records of the authentication (Graph's signIn.authenticationDetails).
 */
export const mfaMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('authentication_methods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema
      .createIndex('authentication_methods_user')
      .on('authentication_methods')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('user_mfa')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('per_user_state', 'text', (c) => c.notNull())
      .addColumn('totp_last_step', 'integer')
      .addColumn('registration_prompted_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tenant_security_defaults')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // Read by every sign-in, so kept in the configuration cache (`CONFIG_TABLES`) with its triggers.
    await configChangesMigration(['tenant_security_defaults']).up(db);

    await db.schema.alterTable('sign_in_logs').addColumn('authentication_requirement', 'text').execute();
    await db.schema.alterTable('sign_in_logs').addColumn('authentication_details', 'text').execute();
  },
};
