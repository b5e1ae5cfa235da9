import type { Kysely, Migration } from 'kysely';

/**
 * Session control from the Workspace's side (issue 13):
 *   sso_sessions.authn_instant   when the person last signed in interactively at the IdP (AuthnInstant)
 *   sso_sessions.authn_methods   JSON array of the `authnmethodsreferences` the IdP sent (password, MFA…)
 *   auth_providers.force_authn   ask the IdP to authenticate again at every sign-in (ForceAuthn="true")
 */
export const sessionControlMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sso_sessions').addColumn('authn_instant', 'text').execute();
    await db.schema.alterTable('sso_sessions').addColumn('authn_methods', 'text').execute();
    await db.schema
      .alterTable('auth_providers')
      .addColumn('force_authn', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
