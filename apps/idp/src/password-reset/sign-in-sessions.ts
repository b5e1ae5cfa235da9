import type { Db } from '../db/schema.ts';
import type { SessionAuth } from '../signin/session-auth.ts';
import type { User } from '../users/users.repository.ts';

// Ending a user's SSO sessions everywhere, as Graph's revokeSignInSessions does: the user gets a
// "valid from" instant (signInSessionsValidFromDateTime), and a session signed in before it is no
// longer signed in (`currentUser` asks `sessionRevoked` on every request). Sessions are rows of JSON
// keyed by a hash of their cookie, so this costs no scan of them; the rows themselves expire as usual.

/** Sessions of `userId` signed in before `at` are over. */
export async function revokeSignInSessions(db: Db, userId: string, at: string): Promise<void> {
  await db.updateTable('users').set({ sign_in_sessions_valid_from: at }).where('id', '=', userId).execute();
}

/** Whether the session signed in before the user's sessions were revoked. */
export function sessionRevoked(
  user: Pick<User, 'signInSessionsValidFrom'>,
  auth: Pick<SessionAuth, 'authnInstant'>,
): boolean {
  const from = user.signInSessionsValidFrom ?? null;
  return from !== null && auth.authnInstant < from;
}
