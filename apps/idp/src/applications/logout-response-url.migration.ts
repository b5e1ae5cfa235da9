import type { Kysely, Migration } from 'kysely';

/**
 * Where the application takes LogoutResponses when its metadata says so apart from where it takes
 * LogoutRequests (SAML Metadata §2.2.2, `ResponseLocation`); null: the Logout URL takes both.
 */
export const logoutResponseUrlMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('applications').addColumn('logout_response_url', 'text').execute();
  },
};
