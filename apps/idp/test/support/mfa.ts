// Helpers for the MFA tests (apps/idp/src/mfa/*.test.ts): an authenticator app registered through the
// services, and the codes it would show at the injected clock's time.
import type { Deps } from '../../src/context.ts';
import { setPerUserMfa } from '../../src/mfa/mfa-admin.service.ts';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/mfa/totp.service.ts';
import { timeStep, totpCode } from '../../src/mfa/totp.ts';
import type { User } from '../../src/users/users.repository.ts';
import { TEST_ACTOR } from './harness.ts';

/** Registers an authenticator app for `user` (its first code at `deps.clock`'s time); returns its key. */
export async function registerTotp(deps: Deps, user: User): Promise<Uint8Array> {
  const { enrolment, key } = startTotpEnrolment(deps, user);
  const result = await confirmTotpEnrolment(
    deps,
    user,
    enrolment,
    key,
    totpCode(key, timeStep(deps.clock.now())),
  );
  if (!result.ok) throw new Error(result.error);
  return key;
}

/** The code of the current time-step plus `offset` steps. */
export function codeAt(deps: Pick<Deps, 'clock'>, key: Uint8Array, offset = 0): string {
  return totpCode(key, timeStep(deps.clock.now()) + offset);
}

export async function enforceMfa(deps: Deps, user: User): Promise<void> {
  await setPerUserMfa(deps, TEST_ACTOR, user.tenantId, user.id, 'enforced');
}
