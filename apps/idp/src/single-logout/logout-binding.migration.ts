import type { Kysely, Migration } from 'kysely';

/**
 * The binding of the application's Logout URL (SAML Bindings §3.4, §3.5): `post` when its uploaded
 * metadata offered single logout by HTTP-POST only; null: HTTP-Redirect, as a typed Logout URL is
 * (Entra sends logout messages by Redirect).
 */
export const singleLogoutMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('applications').addColumn('logout_binding', 'text').execute();
  },
};
