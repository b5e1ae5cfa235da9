import type { Kysely, Migration } from 'kysely';

/**
 * SCIM provisioning (issue 14):
 *   scim_tokens                  one bearer token per organization, kept as its SHA-256 only (shown
 *                                once); regenerating replaces the row, so the old token stops at once;
 *                                deleted with the organization's SSO provider
 *   memberships.suspended_at     set while the member is suspended (SCIM `active: false`): kept, with
 *                                role and teams, but refused everywhere until restored
 *   memberships.scim_user_name   the SCIM userName, lower-cased (Entra queries by it: indexed)
 *   memberships.scim_attributes  JSON of the other SCIM attributes the client sent (name, emails, …),
 *                                returned as they were sent; never read for access decisions
 */
export const scimMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('scim_tokens')
      .addColumn('organization_id', 'text', (c) =>
        c.primaryKey().references('organizations.id').onDelete('cascade'),
      )
      // Disabling SSO deletes the provider, and with it the token: SCIM stands on SSO's identities.
      .addColumn('provider_id', 'text', (c) =>
        c.notNull().references('auth_providers.id').onDelete('cascade'),
      )
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('memberships').addColumn('suspended_at', 'text').execute();
    await db.schema.alterTable('memberships').addColumn('scim_user_name', 'text').execute();
    await db.schema.alterTable('memberships').addColumn('scim_attributes', 'text').execute();
    await db.schema
      .createIndex('memberships_org_scim_user_name')
      .on('memberships')
      .columns(['organization_id', 'scim_user_name'])
      .execute();
  },
};
