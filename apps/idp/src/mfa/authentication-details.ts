import type { AuthMethodUse } from '../signin/session-auth.ts';

/** The authnmethodsreferences values (reference §1 "How SAML carries CA / MFA / session facts"). */
export const AMR_PASSWORD = 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password';
export const AMR_MULTIPLE_AUTHN = 'http://schemas.microsoft.com/claims/multipleauthn';

/** What the assertion's authnmethodsreferences claim lists for a session: the password, then multipleauthn after MFA. */
export function amrValues(auth: { mfaAt?: string | null }): string[] {
  return auth.mfaAt ? [AMR_PASSWORD, AMR_MULTIPLE_AUTHN] : [AMR_PASSWORD];
}

/** Graph's authenticationDetail (signIn.authenticationDetails). */
export interface AuthenticationDetail {
  authenticationStepDateTime: string;
  authenticationMethod: string;
  succeeded: boolean;
  authenticationStepResultDetail: string;
  authenticationStepRequirement: 'Primary authentication' | 'Multifactor authentication';
}

/** Graph's signIn.authenticationRequirement. */
export type AuthenticationRequirement = 'singleFactorAuthentication' | 'multiFactorAuthentication';

/** What one sign-in log row records of the authentication. */
export interface SignInAuthentication {
  requirement: AuthenticationRequirement;
  details: AuthenticationDetail[];
}

const METHOD_NAMES: Record<AuthMethodUse['method'], string> = {
  password: 'Password',
  totp: 'OATH verification code',
  passkey: 'Passkey',
};

/** Graph's authenticationMethod for a factor: a passkey that never leaves its device says so. */
const methodName = (m: Pick<AuthMethodUse, 'method' | 'deviceBound'>): string =>
  m.method === 'passkey' && m.deviceBound ? 'Passkey (device-bound)' : METHOD_NAMES[m.method];

/**
 * The factors of a session as the sign-in log shows them: each with its time; one proved before this
 * attempt began (`since`) is "Previously satisfied", as Entra writes it for single sign-on.
 */
export function authenticationOf(
  methods: readonly AuthMethodUse[],
  since: string | null,
  options: {
    required?: boolean;
    failed?: { method: AuthMethodUse['method']; deviceBound?: boolean; at: string; detail: string };
  } = {},
): SignInAuthentication {
  const details: AuthenticationDetail[] = methods.map((m) => ({
    authenticationStepDateTime: m.at,
    authenticationMethod: methodName(m),
    succeeded: true,
    authenticationStepResultDetail:
      since && m.at < since
        ? 'Previously satisfied'
        : m.method === 'password'
          ? 'Correct password'
          : 'MFA successfully completed',
    authenticationStepRequirement:
      m.method === 'password' ? 'Primary authentication' : 'Multifactor authentication',
  }));
  if (options.failed) {
    details.push({
      authenticationStepDateTime: options.failed.at,
      authenticationMethod: methodName(options.failed),
      succeeded: false,
      authenticationStepResultDetail: options.failed.detail,
      authenticationStepRequirement: 'Multifactor authentication',
    });
  }
  const multi = options.required || methods.some((m) => m.method !== 'password');
  return { requirement: multi ? 'multiFactorAuthentication' : 'singleFactorAuthentication', details };
}
