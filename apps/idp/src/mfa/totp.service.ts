import type { Deps } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { countFailedSignIn, lockedNow } from '../signin/password-check.ts';
import type { User } from '../users/users.repository.ts';
import {
  consumeTotpStep,
  insertTotpMethod,
  listMethods,
  markMethodUsed,
  sealTotpKey,
  setPerUserState,
  totpKeysOf,
  userMfaOf,
} from './methods.repository.ts';
import { matchingStep, newTotpKey, normalizeCode } from './totp.ts';

export type TotpCheck =
  | { ok: true; methodId: string }
  | { ok: false; code: 'AADSTS50053' | 'AADSTS500121'; reason: string };

/**
 * Checks a verification code against the user's authenticator apps: refused while Smart Lockout holds
 * the account (before the code is looked at); a code outside ±1 step, or of a step already used, is
 * wrong and counts as a failed sign-in.
 */
export async function checkTotpCode(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  user: User,
  typed: string,
): Promise<TotpCheck> {
  const now = deps.clock.now();
  if (lockedNow(user, now)) {
    return {
      ok: false,
      code: 'AADSTS50053',
      reason: `The account is locked until ${user.lockedUntil} after too many failed sign-ins.`,
    };
  }
  const code = normalizeCode(typed);
  if (code) {
    const { totpLastStep } = await userMfaOf(deps.db, user.id);
    for (const { id, key } of await totpKeysOf(deps.db, deps.config.secretKey, user.id)) {
      const step = matchingStep(key, code, now, totpLastStep);
      if (step !== null && (await consumeTotpStep(deps.db, user.id, step, now.toISOString()))) {
        await markMethodUsed(deps.db, id, now.toISOString());
        return { ok: true, methodId: id };
      }
    }
  }
  await countFailedSignIn(deps, user);
  return {
    ok: false,
    code: 'AADSTS500121',
    reason: 'The verification code was wrong, already used, or outside the time window.',
  };
}

/** An authenticator app being added: its id and sealed key, kept in the session until the first code. */
export interface TotpEnrolment {
  methodId: string;
  userId: string;
  sealedKey: string;
  createdAt: string;
}

/** Entra's limit: at most 5 authenticator apps per user. */
export const MAX_TOTP_METHODS = 5;

export function startTotpEnrolment(
  deps: Pick<Deps, 'clock' | 'config'>,
  user: User,
): { enrolment: TotpEnrolment; key: Uint8Array } {
  const methodId = crypto.randomUUID();
  const key = newTotpKey();
  return {
    key,
    enrolment: {
      methodId,
      userId: user.id,
      sealedKey: sealTotpKey(deps.config.secretKey, methodId, key),
      createdAt: deps.clock.now().toISOString(),
    },
  };
}

export type EnrolResult = { ok: true } | { ok: false; error: string };

/**
 * Adds the authenticator app once the user typed a code it shows (proof that the app holds the key).
 * The code's step is consumed, so it cannot sign in again. A user in per-user MFA state Enabled moves
 * to Enforced, as in Entra once they have registered.
 */
export async function confirmTotpEnrolment(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  user: User,
  enrolment: TotpEnrolment,
  key: Uint8Array,
  typed: string,
): Promise<EnrolResult> {
  const now = deps.clock.now();
  const code = normalizeCode(typed);
  if (!code) return { ok: false, error: 'Enter the 6-digit code the app shows.' };
  return inTransaction(deps.db, async (db) => {
    const { totpLastStep, perUserState } = await userMfaOf(db, user.id);
    const step = matchingStep(key, code, now, totpLastStep);
    if (step === null || !(await consumeTotpStep(db, user.id, step, now.toISOString()))) {
      return {
        ok: false,
        error: 'That code didn’t work. Check the time on your device, then enter the code the app shows now.',
      } as const;
    }
    const count = (await listMethods(db, user.id)).filter((m) => m.kind === 'totp').length;
    await insertTotpMethod(db, {
      id: enrolment.methodId,
      userId: user.id,
      displayName: `Authenticator app ${count + 1}`,
      sealedKey: enrolment.sealedKey,
      createdAt: now.toISOString(),
    });
    if (perUserState === 'enabled') await setPerUserState(db, user.id, 'enforced', now.toISOString());
    return { ok: true } as const;
  });
}
