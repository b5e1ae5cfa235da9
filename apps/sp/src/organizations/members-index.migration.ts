import type { Kysely, Migration } from 'kysely';

/** The organization home lists the first members by join date on every SSO sign-in: an index for it. */
export const membersByJoinDateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('memberships_org_created')
      .on('memberships')
      .columns(['organization_id', 'created_at'])
      .execute();
  },
};
