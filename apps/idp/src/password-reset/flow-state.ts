import { randomBytes } from 'node:crypto';
import { getSession } from '@federa/kit';
import type { FastifyRequest } from 'fastify';

// The state of one password reset, kept server-side in this browser's DB session (never in a cookie
// or a page the server trusts back): bound to the browser, one at a time (a new start replaces it),
// 10 minutes from the start, and gone once the password is set, so that a form posted again, or
// from another reset, finds nothing to act on.

/** As long as the sign-in page waits (signin/mfa-pending.ts): then start again. */
export const RESET_FLOW_SECONDS = 10 * 60;

export interface ResetFlow {
  /** Random; every form of the flow carries it, and a form of an earlier flow is refused. */
  id: string;
  /**
   * The user, when the user name named one who may reset (enabled for SSPR, sign-in allowed, a
   * method registered); null otherwise: such a flow looks the same and never verifies.
   */
  userId: string | null;
  /** The user name as typed (shown on the pages). */
  userName: string;
  /** `verify` until a code or passkey is proved, then `verified` (the new password may be set). */
  stage: 'verify' | 'verified';
  verifiedWith: 'totp' | 'passkey' | null;
  /** The waiting SAML sign-in (a PendingFlow key) or the local path to go back to after signing in. */
  signInFlow: string | null;
  returnTo: string | null;
  /** The sign-in's correlation id (or this reset's first request id), in every audit entry. */
  correlationId: string;
  createdAt: string;
}

const KEY = 'passwordReset';

export async function startResetFlow(
  request: FastifyRequest,
  flow: Omit<ResetFlow, 'id' | 'stage' | 'verifiedWith' | 'createdAt'>,
  at: Date,
): Promise<ResetFlow> {
  const state: ResetFlow = {
    ...flow,
    id: randomBytes(18).toString('base64url'),
    stage: 'verify',
    verifiedWith: null,
    createdAt: at.toISOString(),
  };
  (await getSession(request)).set(KEY, state);
  return state;
}

/**
 * The reset under way in this browser, when it has not expired and, for a form, when the form is
 * one of its own (`formId`); null otherwise (an expired one is dropped).
 */
export async function resetFlowOf(
  request: FastifyRequest,
  now: Date,
  formId?: string,
): Promise<ResetFlow | null> {
  const session = await getSession(request);
  const state = session.get<ResetFlow>(KEY) ?? null;
  if (!state) return null;
  if (Date.parse(state.createdAt) + RESET_FLOW_SECONDS * 1000 <= now.getTime()) {
    session.set(KEY, undefined);
    return null;
  }
  if (formId !== undefined && formId !== state.id) return null;
  return state;
}

export async function markVerified(
  request: FastifyRequest,
  state: ResetFlow,
  method: 'totp' | 'passkey',
): Promise<void> {
  (await getSession(request)).set(KEY, {
    ...state,
    stage: 'verified',
    verifiedWith: method,
  } satisfies ResetFlow);
}

/** Ends the flow (the password is set, or the user gave up): its forms no longer do anything. */
export async function endResetFlow(request: FastifyRequest): Promise<void> {
  (await getSession(request)).set(KEY, undefined);
}
