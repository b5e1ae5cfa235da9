import type { Kysely, Migration } from 'kysely';

/**
 * Teams in organizations (Sentry's teams; SCIM Groups are teams): a team has a slug unique in its
 * organization, and members, who are memberships of that organization (so that removing someone
 * from the organization removes them from its teams).
 *   teams.external_id      the IdP's id for the group a SCIM client provisioned (null otherwise)
 *   teams.idp_provisioned  1 when SCIM made the team (Sentry's flag; shown on the team's page)
 */
export const teamsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('idp_provisioned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('teams_org_slug', ['organization_id', 'slug'])
      .execute();

    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('membership_id', 'text', (c) => c.notNull().references('memberships.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'membership_id'])
      .execute();
    await db.schema
      .createIndex('team_members_membership')
      .on('team_members')
      .column('membership_id')
      .execute();
  },
};
