import type { Kysely, Migration } from 'kysely';

/**
 * Whether a signed-out person who opens one of the organization's pages is sent straight to its IdP
 * (SP-initiated SSO started at once) rather than to the login page's button. Off for every provider
 * that exists: it changes what members see, so it is the owner's choice (Require SSO implies it).
 */
export const sendToIdpMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('auth_providers')
      .addColumn('send_to_idp', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
