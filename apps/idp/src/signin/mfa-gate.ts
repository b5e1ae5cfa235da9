import type { FastifyRequest } from 'fastify';
import { listMethods } from '../mfa/methods.repository.ts';
import { type MfaRequirement, mfaRequirement } from '../mfa/requirement.ts';
import { SsoError } from '../sso/sso-error.ts';
import type { User } from '../users/users.repository.ts';
import type { SessionAuth } from './session-auth.ts';

/**
 * Whether a session meets a requirement: a second factor proved in it (a phishing-resistant one when
 * asked), or registration skipped while security defaults still allow it.
 */
export function mfaSatisfied(auth: SessionAuth, requirement: MfaRequirement): boolean {
  if (!requirement.required) return true;
  // Phishing-resistant MFA (an authentication strength): only a passkey proved in this session.
  if (requirement.phishingResistant) return (auth.methods ?? []).some((m) => m.method === 'passkey');
  if (auth.mfaAt) return true;
  return auth.registrationSkipped === true && requirement.registrationSkippableUntil !== null;
}

/** The requirement this signed-in session does not meet for `application`, or null when it meets it. */
export async function unmetMfa(
  deps: Parameters<typeof mfaRequirement>[0],
  request: FastifyRequest,
  signedIn: { auth: SessionAuth; user: User },
  application: { id: string; appId: string; displayName: string } | null,
): Promise<MfaRequirement | null> {
  const requirement = await mfaRequirement(deps, {
    user: signedIn.user,
    application,
    request,
    auth: signedIn.auth,
  });
  if (mfaSatisfied(signedIn.auth, requirement)) return null;
  if (requirement.phishingResistant && (await listMethods(deps.db, signedIn.user.id)).length === 0) {
    // Only a passkey satisfies it, and adding one needs MFA in the last 5 minutes (Entra), which a
    // user with no method cannot do: refuse, as Entra does, rather than register a method that would
    // not count. A user with another method proves it, then adds a passkey (mfa/passkeys/).
    throw noPasskeyPossible(signedIn.user, application?.displayName ?? null);
  }
  return requirement;
}

/**
 * AADSTS50074 for a sign-in that only a passkey satisfies, by a user with no method at all: adding a
 * passkey needs MFA in the last 5 minutes (Entra), which they cannot do, and registering another
 * method here would not count. (A user with another method proves it, then adds one: mfa/passkeys/.)
 */
export function noPasskeyPossible(user: User, appName: string | null): SsoError {
  return new SsoError({
    code: 'AADSTS50074',
    check: 'mfa',
    message: 'Strong authentication is required and the user did not pass the MFA challenge.',
    adminAction: `Signing in to ${appName ?? 'this application'} requires phishing-resistant multifactor authentication (a passkey), which ${user.userPrincipalName} has not registered; adding one needs multifactor authentication, and they have no other method. They can add an authenticator app, then a passkey, on Security info (/myapps/security-info); or exclude them from the policy.`,
    status: 403,
  });
}
