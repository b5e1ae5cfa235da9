import type { Kysely, Migration } from 'kysely';

/**
 * Where the IdP takes LogoutResponses when its metadata says so apart from where it takes
 * LogoutRequests (SAML Metadata §2.2.2, `ResponseLocation` of its SingleLogoutService); null: the
 * single logout URL takes both.
 */
export const sloResponseUrlMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('auth_providers').addColumn('slo_response_url', 'text').execute();
  },
};
