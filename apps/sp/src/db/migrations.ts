import { configChangesMigration, rateLimitsMigration, sessionsMigration } from '@federa/kit';
import type { Kysely, Migration } from 'kysely';
import { scopedAccountsMigration } from '../accounts/scoped-accounts.migration.ts';
import { attemptSamlIdsMigration } from '../attempts/saml-ids.migration.ts';
import { verifiedDomainsMigration } from '../domains/domains.migration.ts';
import { sloResponseUrlMigration } from '../idp-metadata/slo-response-url.migration.ts';
import { membersByJoinDateMigration } from '../organizations/members-index.migration.ts';
import { passwordResetsMigration } from '../password-reset/password-reset.migration.ts';
import { allowSha1Migration } from '../providers/allow-sha1.migration.ts';
import { sendToIdpMigration } from '../providers/send-to-idp.migration.ts';
import { requestSigningMigration } from '../request-signing/request-signing.migration.ts';
import { signingKeyRolloverMigration } from '../request-signing/signing-key-rollover.migration.ts';
import { scimMigration } from '../scim/scim.migration.ts';
import { sessionControlMigration } from '../session-control/session-control.migration.ts';
import { pendingSessionMigration } from '../sso/pending-session.migration.ts';
import { teamsMigration } from '../teams/teams.migration.ts';
import { CONFIG_TABLES } from './config-cache.ts';

// Portable DDL only (Kysely's schema builder): the same migrations run on SQLite and PostgreSQL.

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('organizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('memberships_org_user', ['organization_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .execute();

    await db.schema
      .createTable('auth_providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().unique().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('idp_entity_id', 'text', (c) => c.notNull())
      .addColumn('sso_url', 'text', (c) => c.notNull())
      .addColumn('sso_binding', 'text', (c) => c.notNull())
      .addColumn('slo_url', 'text')
      .addColumn('slo_binding', 'text')
      .addColumn('signing_certificates', 'text', (c) => c.notNull())
      .addColumn('metadata_source', 'text', (c) => c.notNull())
      .addColumn('metadata_url', 'text')
      .addColumn('metadata_fetched_at', 'text')
      .addColumn('metadata_error', 'text')
      .addColumn('attribute_mapping', 'text', (c) => c.notNull())
      .addColumn('require_sso', 'integer', (c) => c.notNull())
      .addColumn('default_role', 'text', (c) => c.notNull())
      .addColumn('allow_idp_initiated', 'integer', (c) => c.notNull())
      .addColumn('session_hours', 'integer', (c) => c.notNull())
      .addColumn('single_logout', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text')
      .execute();

    await db.schema
      .createTable('identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider_id', 'text', (c) =>
        c.notNull().references('auth_providers.id').onDelete('cascade'),
      )
      .addColumn('idp_user_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      // Security baseline 9: identities are keyed by (organization's provider, IdP user id).
      .addUniqueConstraint('identities_provider_idp_user', ['provider_id', 'idp_user_id'])
      .addUniqueConstraint('identities_provider_user', ['provider_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('pending_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('browser_hash', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('next_path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pending_requests_browser')
      .on('pending_requests')
      .columns(['browser_hash', 'organization_id'])
      .execute();

    await db.schema
      .createTable('consumed_assertions')
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('assertion_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // Security baseline 8: one row per assertion, whichever instance got it first.
      .addPrimaryKeyConstraint('consumed_assertions_pk', ['issuer', 'assertion_id'])
      .execute();

    await db.schema
      .createTable('sso_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('name_id', 'text', (c) => c.notNull())
      .addColumn('name_id_format', 'text', (c) => c.notNull())
      .addColumn('session_index', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema
      .createIndex('sso_sessions_org_name_id')
      .on('sso_sessions')
      .columns(['organization_id', 'name_id'])
      .execute();

    await db.schema
      .createTable('pending_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('idp_user_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_id', 'text', (c) => c.notNull())
      .addColumn('name_id_format', 'text', (c) => c.notNull())
      .addColumn('session_index', 'text')
      .addColumn('session_expires_at', 'text', (c) => c.notNull())
      .addColumn('next_path', 'text', (c) => c.notNull())
      .addColumn('email_token_hash', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .execute();

    await db.schema
      .createTable('sso_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text')
      .addColumn('organization_slug', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('check_name', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('message', 'text')
      .addColumn('detail', 'text')
      .addColumn('idp_user_id', 'text')
      .addColumn('user_id', 'text')
      .execute();
    await db.schema
      .createIndex('sso_attempts_org_created')
      .on('sso_attempts')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('actor_user_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_org_created')
      .on('audit_log')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Every migration of the Workspace database, in order. */
export const migrations: Record<string, Migration> = {
  '0000-sessions': sessionsMigration,
  '0001-initial': initial,
  '0002-rate-limits': rateLimitsMigration,
  '0003-members-by-join-date': membersByJoinDateMigration,
  // Every table the configuration cache (config-cache.ts) reads from: organizations by slug, and each
  // one's provider with its signing certificates and attribute mapping (columns of auth_providers).
  '0004-config-changes': configChangesMigration(CONFIG_TABLES),
  '0005-pending-session': pendingSessionMigration,
  '0006-scoped-accounts': scopedAccountsMigration,
  '0006-verified-domains': verifiedDomainsMigration,
  '0007-allow-sha1': allowSha1Migration,
  '0008-slo-response-url': sloResponseUrlMigration,
  '0009-request-signing': requestSigningMigration,
  '0010-send-to-idp': sendToIdpMigration,
  '0011-attempt-saml-ids': attemptSamlIdsMigration,
  '0012-teams': teamsMigration,
  '0013-scim': scimMigration,
  '0015-password-resets': passwordResetsMigration,
  '0016-session-control': sessionControlMigration,
  '0017-signing-key-rollover': signingKeyRolloverMigration,
};
