import { getSession, type Session } from '@federa/kit';
import type { FastifyRequest } from 'fastify';

// A sign-out of the Directory in progress (SAML Profiles §4.4.3.3: the session authority sends a
// LogoutRequest to each other session participant, one after another, front channel). Kept in the
// Directory's DB session, which holds nothing else once the SSO session has ended; its key is the
// RelayState of every LogoutRequest sent, so that a response is matched to this sign-out.

/** Where one application stands. */
export type StepStatus =
  /** Not asked yet. */
  | 'waiting'
  /** The browser was sent to it with a LogoutRequest. */
  | 'sent'
  /** It answered Success. */
  | 'signed-out'
  /** The browser came back without its answer, or after the time allowed: it may still be signed in. */
  | 'no-answer'
  /** It answered with another status, or an answer that failed a check: it may still be signed in. */
  | 'refused';

export interface LogoutStep {
  tenantId: string;
  applicationId: string;
  displayName: string;
  audience: string;
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string;
  status: StepStatus;
  /** The LogoutRequest's ID, once sent. */
  requestId: string | null;
  sentAt: string | null;
}

/** The SP whose LogoutRequest started this sign-out, answered last (SP-initiated). */
export interface LogoutInitiator {
  tenantId: string;
  applicationId: string;
  requestId: string;
  relayState: string | null;
}

export interface LogoutState {
  key: string;
  steps: LogoutStep[];
  initiator: LogoutInitiator | null;
  startedAt: string;
}

const KEY = 'singleLogout';
/** How many applications one sign-out asks (participants are bounded the same way). */
export const MAX_STEPS = 20;

export async function logoutState(request: FastifyRequest): Promise<LogoutState | null> {
  return (await getSession(request)).get<LogoutState>(KEY) ?? null;
}

export async function saveLogoutState(request: FastifyRequest, state: LogoutState): Promise<void> {
  (await getSession(request)).set(KEY, { ...state, steps: state.steps.slice(0, MAX_STEPS) });
}

export async function dropLogoutState(request: FastifyRequest): Promise<void> {
  (await getSession(request)).set(KEY, undefined);
}

/**
 * Replaces everything the session held (the SSO session, pending sign-ins, the list of applications)
 * by the sign-out in progress, under a new session id.
 */
export function replaceSessionByLogout(session: Session, state: LogoutState): void {
  session.data = {};
  session.regenerate();
  session.set(KEY, { ...state, steps: state.steps.slice(0, MAX_STEPS) });
}

/** The step waiting for an answer, if any. */
export function sentStep(state: LogoutState): LogoutStep | null {
  return state.steps.find((s) => s.status === 'sent') ?? null;
}

/** The applications that may still be signed in. */
export function unconfirmed(state: LogoutState): LogoutStep[] {
  return state.steps.filter((s) => s.status === 'no-answer' || s.status === 'refused');
}
