import type { Kysely, Migration } from 'kysely';

/**
 * The session a sign-in was started from (the SHA-256 key of its row), so that the ACS, which the
 * IdP's cross-site POST reaches without the Lax session cookie, replaces that session rather than
 * leaving it behind beside the new one.
 */
export const pendingSessionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('pending_requests').addColumn('session_hash', 'text').execute();
  },
};
