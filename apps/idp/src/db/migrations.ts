import { configChangesMigration, rateLimitsMigration, sessionsMigration } from '@federa/kit';
import type { Kysely, Migration } from 'kysely';
import { apiTokensMigration } from '../api-tokens/api-tokens.migration.ts';
import { logoutResponseUrlMigration } from '../applications/logout-response-url.migration.ts';
import { sha1RequestsMigration } from '../applications/sha1-requests.migration.ts';
import { conditionalAccessMigration } from '../conditional-access/conditional-access.migration.ts';
import { keepSignedInMigration } from '../keep-signed-in/keep-signed-in.migration.ts';
import { mfaMigration } from '../mfa/mfa.migration.ts';
import { passkeysMigration } from '../mfa/passkeys/passkeys.migration.ts';
import { passwordResetMigration } from '../password-reset/password-reset.migration.ts';
import { provisioningMigration } from '../provisioning/provisioning.migration.ts';
import { signInSamlIdsMigration } from '../sign-in-logs/saml-ids.migration.ts';
import { singleLogoutMigration } from '../single-logout/logout-binding.migration.ts';
import { temporaryPasswordsMigration } from '../temporary-password/temporary-password.migration.ts';
import { deletedUsersMigration } from '../users/deleted-users.migration.ts';

// Portable DDL only (text, integer; no DB-specific types or defaults), so SQLite and PostgreSQL match.

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('tenant_domains')
      .addColumn('domain', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('tenant_domains_tenant').on('tenant_domains').column('tenant_id').execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('user_principal_name', 'text', (c) => c.notNull())
      .addColumn('upn_key', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('mail', 'text')
      .addColumn('given_name', 'text')
      .addColumn('surname', 'text')
      .addColumn('account_enabled', 'integer', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('failed_sign_ins', 'integer', (c) => c.notNull())
      .addColumn('lockouts', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('is_admin', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_tenant').on('users').columns(['tenant_id', 'display_name']).execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('groups_tenant').on('groups').column('tenant_id').execute();
    await db.schema
      .createTable('group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();

    await db.schema
      .createTable('applications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().unique())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('gallery_template', 'text', (c) => c.notNull())
      .addColumn('enabled_for_sign_in', 'integer', (c) => c.notNull())
      .addColumn('assignment_required', 'integer', (c) => c.notNull())
      .addColumn('visible_to_users', 'integer', (c) => c.notNull())
      .addColumn('sign_on_url', 'text')
      .addColumn('relay_state', 'text')
      .addColumn('logout_url', 'text')
      .addColumn('name_id_source', 'text', (c) => c.notNull())
      .addColumn('name_id_format', 'text', (c) => c.notNull())
      .addColumn('group_claim', 'text', (c) => c.notNull())
      .addColumn('group_claim_source', 'text', (c) => c.notNull())
      .addColumn('role_claim', 'integer', (c) => c.notNull())
      .addColumn('signing_option', 'text', (c) => c.notNull())
      .addColumn('signing_algorithm', 'text', (c) => c.notNull())
      .addColumn('notification_emails', 'text', (c) => c.notNull())
      .addColumn('sp_signing_certificates', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('applications_tenant').on('applications').column('tenant_id').execute();

    await db.schema
      .createTable('application_identifiers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    // Entra: an Identifier names one application in the tenant.
    await db.schema
      .createIndex('application_identifiers_unique')
      .on('application_identifiers')
      .columns(['tenant_id', 'identifier'])
      .unique()
      .execute();
    await db.schema
      .createIndex('application_identifiers_app')
      .on('application_identifiers')
      .column('application_id')
      .execute();

    await db.schema
      .createTable('reply_urls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('url_index', 'integer')
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reply_urls_app').on('reply_urls').column('application_id').execute();

    await db.schema
      .createTable('application_claims')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('application_claims_app')
      .on('application_claims')
      .column('application_id')
      .execute();

    await db.schema
      .createTable('app_roles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('app_roles_app').on('app_roles').column('application_id').execute();

    await db.schema
      .createTable('assignments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('principal_type', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('app_role_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('assignments_unique')
      .on('assignments')
      .columns(['application_id', 'principal_type', 'principal_id', 'app_role_id'])
      .unique()
      .execute();
    await db.schema.createIndex('assignments_principal').on('assignments').column('principal_id').execute();

    await db.schema
      .createTable('signing_certificates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('private_key_sealed', 'text', (c) => c.notNull())
      .addColumn('thumbprint', 'text', (c) => c.notNull())
      .addColumn('not_before', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('signing_certificates_app')
      .on('signing_certificates')
      .column('application_id')
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text')
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('activity', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text')
      .addColumn('target_name', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_tenant_time')
      .on('audit_log')
      .columns(['tenant_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('sign_in_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('user_principal_name', 'text')
      .addColumn('application_id', 'text')
      .addColumn('app_display_name', 'text')
      .addColumn('app_identifier', 'text')
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('check_name', 'text')
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('ip_address', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sign_in_logs_tenant_time')
      .on('sign_in_logs')
      .columns(['tenant_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('install_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * The tables whose rows the sign-in configuration cache keeps (`sso/sign-in-config.ts`): a tenant and
 * its domains, an application with its Identifiers, Reply URLs, claims, roles and signing certificates.
 * Users, groups, assignments and sessions are read afresh on every sign-in. A table added here needs
 * its triggers: the migration that creates it calls `configChangesMigration([table])` (idempotent);
 * migration 0004 keeps the list it ran with, since later tables do not exist yet when it runs.
 */
export const CONFIG_TABLES = [
  'tenants',
  'tenant_domains',
  'applications',
  'application_identifiers',
  'reply_urls',
  'application_claims',
  'app_roles',
  'signing_certificates',
  // Security defaults (migration 0009 adds its triggers)
  'tenant_security_defaults',
  // Conditional Access (migration 0010 adds their triggers)
  'ca_named_locations',
  'ca_policies',
  // User settings: "Show keep user signed in" (migration 0014 adds its triggers)
  'tenant_user_settings',
] as const;

/** The tables migration 0004 put triggers on, as it ran. */
const CONFIG_TABLES_0004 = CONFIG_TABLES.slice(0, CONFIG_TABLES.indexOf('signing_certificates') + 1);

/** Every migration of the IdP's database, in order. */
export const migrations: Record<string, Migration> = {
  '0000-sessions': sessionsMigration,
  '0001-directory': initial,
  '0002-api-tokens': apiTokensMigration,
  '0003-rate-limits': rateLimitsMigration,
  '0004-config-changes': configChangesMigration(CONFIG_TABLES_0004),
  '0005-sha1-requests': sha1RequestsMigration,
  '0006-logout-response-url': logoutResponseUrlMigration,
  '0007-deleted-users': deletedUsersMigration,
  '0008-sign-in-saml-ids': signInSamlIdsMigration,
  '0009-mfa': mfaMigration,
  '0010-conditional-access': conditionalAccessMigration,
  '0011-single-logout': singleLogoutMigration,
  '0012-provisioning': provisioningMigration,
  '0013-passkeys': passkeysMigration,
  '0014-keep-signed-in': keepSignedInMigration,
  '0015-temporary-passwords': temporaryPasswordsMigration,
  '0016-password-reset': passwordResetMigration,
};
