// What the IdP says about how the person signed in: Entra's `authnmethodsreferences` claim (the
// Directory sends the same), e.g. `…/authenticationmethod/password` and, after a second factor,
// `http://schemas.microsoft.com/claims/multipleauthn`. Kept on the SSO session, so that an owner sees
// on the members list who signed in with MFA.

export const AUTHN_METHODS_CLAIM = 'http://schemas.microsoft.com/claims/authnmethodsreferences';
export const MULTIPLE_AUTHN = 'http://schemas.microsoft.com/claims/multipleauthn';

const MAX_METHODS = 10;

/** The methods an assertion's attributes name (at most ten, each at most 200 characters). */
export function authnMethodsOf(attributes: Readonly<Record<string, readonly string[]>>): string[] {
  const values = attributes[AUTHN_METHODS_CLAIM] ?? [];
  return [...new Set(values.filter((v) => v.length > 0 && v.length <= 200))].slice(0, MAX_METHODS);
}

/** A person's word for a method: "MFA", "Password", else the last part of its URI. */
export function authnMethodLabel(uri: string): string {
  if (uri === MULTIPLE_AUTHN) return 'MFA';
  const last = uri.replace(/\/+$/, '').split(/[/#:]/).pop() ?? uri;
  if (last.toLowerCase() === 'password') return 'Password';
  if (last.toLowerCase() === 'x509') return 'Certificate';
  return last;
}
