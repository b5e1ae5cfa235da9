import type { Kysely, Migration } from 'kysely';

/**
 * One attempt, both sides: the SAML ids of each SSO attempt (the AuthnRequest it answers, the Response
 * and the Assertion), which the IdP's sign-in log shows too, and who signed in (name and email as
 * mapped, beside the IdP's user id). Nullable: earlier attempts have none, and a failure may come
 * before any of them is known.
 */
export const attemptSamlIdsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of [
      'authn_request_id',
      'response_id',
      'assertion_id',
      'subject_name',
      'subject_email',
    ]) {
      await db.schema.alterTable('sso_attempts').addColumn(column, 'text').execute();
    }
  },
};
