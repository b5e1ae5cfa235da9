import type { Kysely, Migration } from 'kysely';

/**
 * One attempt, both sides: the SAML ids of a sign-in (the AuthnRequest it answers, the Response and
 * the Assertion issued), which the Workspace's SSO attempt log shows too. Nullable: a password attempt
 * outside SAML has none, an IdP-initiated one no AuthnRequest, a refused one no Assertion.
 */
export const signInSamlIdsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of ['authn_request_id', 'response_id', 'assertion_id']) {
      await db.schema.alterTable('sign_in_logs').addColumn(column, 'text').execute();
    }
  },
};
