import { getSession } from '@federa/kit';
import type { FastifyRequest } from 'fastify';

// The applications this browser's SSO session issued assertions to, as SAML Profiles §4.4.3.1 asks a
// session authority to remember them: the single logout that ends the session sends each one a
// LogoutRequest naming the principal exactly as its assertion did. Kept in the Directory's DB session
// beside `auth`, bounded; an entry counts only for the SSO session that issued it.

/** One application of the SSO session. */
export interface Participant {
  tenantId: string;
  applicationId: string;
  /** The Identifier the assertion's Audience named: the Issuer its LogoutResponse must carry. */
  audience: string;
  nameId: string;
  nameIdFormat: string;
  /** The SessionIndex of its AuthnStatement (as Entra's, the assertion's ID). */
  sessionIndex: string;
  /** The SSO session it belongs to (`SessionAuth.sessionIndex`). */
  ssoSession: string;
  at: string;
}

const KEY = 'sloParticipants';
/** More applications than one person uses in a day; the oldest entries go first. */
export const MAX_PARTICIPANTS = 20;

/** Records (or refreshes) the application an assertion was just issued to. */
export async function recordParticipant(request: FastifyRequest, participant: Participant): Promise<void> {
  const session = await getSession(request);
  const kept = (session.get<Participant[]>(KEY) ?? []).filter(
    (p) =>
      p.ssoSession === participant.ssoSession &&
      !(p.applicationId === participant.applicationId && p.audience === participant.audience),
  );
  session.set(KEY, [...kept, participant].slice(-MAX_PARTICIPANTS));
}

/** The applications of the SSO session `ssoSession`, oldest first. */
export async function participantsOf(request: FastifyRequest, ssoSession: string): Promise<Participant[]> {
  const session = await getSession(request);
  return (session.get<Participant[]>(KEY) ?? []).filter((p) => p.ssoSession === ssoSession);
}
