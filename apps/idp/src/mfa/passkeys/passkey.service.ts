import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { Deps } from '../../context.ts';
import type { User } from '../../users/users.repository.ts';
import { setPerUserState, userMfaOf } from '../methods.repository.ts';
import { CHALLENGE_SECONDS } from './challenge.ts';
import {
  credentialExists,
  insertPasskey,
  type Passkey,
  passkeysOf,
  recordPasskeyUse,
} from './passkeys.repository.ts';
import { relyingParty } from './relying-party.ts';

// The two WebAuthn ceremonies as pipelines of named checks. Each refusal has a closed code, which the
// sign-in log and the tests read; the response itself (a credential, a signature) is never logged.

export type PasskeyRefusal =
  | 'CHALLENGE_MISSING'
  | 'CHALLENGE_EXPIRED'
  | 'RESPONSE_MALFORMED'
  | 'CEREMONY_INVALID'
  | 'CREDENTIAL_UNKNOWN'
  | 'CREDENTIAL_ALREADY_REGISTERED'
  | 'COUNTER_REGRESSED'
  | 'NAME_INVALID'
  | 'LIMIT_REACHED';

export type Refused = {
  ok: false;
  code: PasskeyRefusal;
  /** The passkey the response named, when it is one of the user's. */
  passkey?: Passkey;
  detail?: Record<string, number | string>;
};

/** A cap like Entra's for each method (Security info). */
export const MAX_PASSKEYS = 10;
export const MAX_NAME_LENGTH = 64;

const userHandle = (user: User) => new Uint8Array(Buffer.from(user.id, 'utf8'));

/** Registration options: user verification required, a resident key preferred, the user's keys excluded. */
export async function registrationOptions(
  deps: Pick<Deps, 'config'>,
  user: User,
  existing: readonly Passkey[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(deps.config);
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.userPrincipalName,
    userDisplayName: user.displayName,
    userID: userHandle(user),
    timeout: CHALLENGE_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    // ES256 and RS256: what every FIDO2 authenticator offers.
    supportedAlgorithmIDs: [-7, -257],
  });
}

/** Authentication options for the user's own passkeys, user verification required. */
export async function authenticationOptions(
  deps: Pick<Deps, 'config'>,
  passkeys: readonly Passkey[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: relyingParty(deps.config).id,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    userVerification: 'required',
    timeout: CHALLENGE_SECONDS * 1000,
  });
}

/** The response the browser script put in the form, as JSON; null when it is not one. */
export function parseResponse<T extends { id: string; rawId: string; response: object; type: string }>(
  text: string | undefined,
): T | null {
  if (!text || text.length > 64 * 1024) return null;
  try {
    const value = JSON.parse(text) as T;
    const ok =
      typeof value === 'object' &&
      value !== null &&
      typeof value.id === 'string' &&
      typeof value.rawId === 'string' &&
      value.type === 'public-key' &&
      typeof value.response === 'object' &&
      value.response !== null;
    return ok ? value : null;
  } catch {
    return null;
  }
}

export function normalizeName(text: string | undefined): string | null {
  const name = (text ?? '').trim().replace(/\s+/g, ' ');
  return name.length > 0 && name.length <= MAX_NAME_LENGTH ? name : null;
}

/**
 * Adds a passkey from a registration response: the challenge of this session (taken by the caller),
 * this origin and RP ID, user verification, a credential id no one has registered; then stored with
 * its public key, counter, transports and backup flags. A user in per-user MFA state Enabled moves to
 * Enforced, as after any registration.
 */
export async function registerPasskey(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  user: User,
  input: { challenge: string; name: string | null; response: RegistrationResponseJSON | null },
): Promise<{ ok: true; passkey: Passkey } | Refused> {
  if (!input.name) return { ok: false, code: 'NAME_INVALID' };
  if (!input.response) return { ok: false, code: 'RESPONSE_MALFORMED' };
  if ((await passkeysOf(deps.db, user.id)).length >= MAX_PASSKEYS)
    return { ok: false, code: 'LIMIT_REACHED' };
  const rp = relyingParty(deps.config);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: [-7, -257],
    });
  } catch {
    return { ok: false, code: 'CEREMONY_INVALID' };
  }
  if (!verified.verified) return { ok: false, code: 'CEREMONY_INVALID' };
  const info = verified.registrationInfo;
  if (await credentialExists(deps.db, info.credential.id)) {
    return { ok: false, code: 'CREDENTIAL_ALREADY_REGISTERED' };
  }
  const now = deps.clock.now().toISOString();
  const passkey: Passkey = {
    methodId: crypto.randomUUID(),
    userId: user.id,
    displayName: input.name,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: (info.credential.transports ?? input.response.response.transports ?? []).filter(
      (t): t is string => typeof t === 'string',
    ),
    aaguid: info.aaguid,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
  };
  await insertPasskey(deps.db, { ...passkey, createdAt: now });
  if ((await userMfaOf(deps.db, user.id)).perUserState === 'enabled') {
    await setPerUserState(deps.db, user.id, 'enforced', now);
  }
  return { ok: true, passkey };
}

/** The counter the authenticator data carries, or null when it cannot be read. */
function counterOf(response: AuthenticationResponseJSON): number | null {
  try {
    return parseAuthenticatorData(isoBase64URL.toBuffer(response.response.authenticatorData)).counter;
  } catch {
    return null;
  }
}

/**
 * Checks an assertion: one of this user's passkeys; the counter moved forward (WebAuthn §6.1.1: a
 * counter that did not is a sign of a cloned authenticator); then the library's checks (challenge,
 * origin, RP ID, user present and verified, signature over the stored public key); then the counter is
 * stored, only if no other sign-in stored one meanwhile.
 */
export async function signInWithPasskey(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  user: User,
  input: { challenge: string; response: AuthenticationResponseJSON | null },
): Promise<{ ok: true; passkey: Passkey } | Refused> {
  const response = input.response;
  if (!response) return { ok: false, code: 'RESPONSE_MALFORMED' };
  const passkey = (await passkeysOf(deps.db, user.id)).find((p) => p.credentialId === response.id);
  if (!passkey) return { ok: false, code: 'CREDENTIAL_UNKNOWN' };
  const counter = counterOf(response);
  if (counter === null) return { ok: false, code: 'RESPONSE_MALFORMED', passkey };
  if ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter) {
    return {
      ok: false,
      code: 'COUNTER_REGRESSED',
      passkey,
      detail: { methodId: passkey.methodId, storedCounter: passkey.counter, receivedCounter: counter },
    };
  }
  const rp = relyingParty(deps.config);
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credentialId,
        publicKey: passkey.publicKey,
        counter: passkey.counter,
        transports: passkey.transports as never,
      },
      requireUserVerification: true,
    });
  } catch {
    return { ok: false, code: 'CEREMONY_INVALID', passkey };
  }
  if (!verified.verified) return { ok: false, code: 'CEREMONY_INVALID', passkey };
  const stored = await recordPasskeyUse(deps.db, passkey, {
    counter: verified.authenticationInfo.newCounter,
    backedUp: verified.authenticationInfo.credentialBackedUp,
    at: deps.clock.now().toISOString(),
  });
  if (!stored) {
    return { ok: false, code: 'COUNTER_REGRESSED', passkey, detail: { methodId: passkey.methodId } };
  }
  return { ok: true, passkey };
}
