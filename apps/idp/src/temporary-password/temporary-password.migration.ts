import type { Kysely, Migration } from 'kysely';

/**
 * 0015-temporary-passwords: Entra's `passwordProfile.forceChangePasswordNextSignIn`. A password an
 * administrator makes (Create user, Reset password) is temporary: the user chooses a new one at their
 * next sign-in before anything is issued. Users who exist already keep theirs (0: not temporary).
 */
export const temporaryPasswordsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('force_change_password_next_sign_in', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
