import type { FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { sessionAuth } from '../signin/session-auth.ts';
import { findUser, type User } from '../users/users.repository.ts';
import { mustChangePassword, pendingPasswordChange } from './pending-change.ts';

/**
 * The user of this browser whose password is temporary, for a tenant: the session's user since an
 * administrator reset it (the session no longer counts: `currentUser`), or one waiting at "Update
 * your password". A silent (IsPassive) request cannot go on for them (sso/checks/temporary-password.ts).
 */
export async function temporaryPasswordUserOf(
  request: FastifyRequest,
  deps: Pick<Deps, 'db' | 'clock'>,
  tenantId: string,
): Promise<User | null> {
  const auth = await sessionAuth(request);
  const pending = await pendingPasswordChange(request, deps.clock.now());
  const userId =
    auth?.tenantId === tenantId ? auth.userId : pending?.tenantId === tenantId ? pending.userId : null;
  if (!userId) return null;
  const user = await findUser(deps.db, userId);
  return user?.accountEnabled && user.tenantId === tenantId && mustChangePassword(user) ? user : null;
}
