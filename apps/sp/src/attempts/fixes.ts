// For the organization's admins: what to change so that a failed SSO sign-in works. Built from the
// error's private detail (the values the check compared), never from the SAML message itself.

import { refusedForSha1, SHA1_SETTING_PLACE } from '../providers/sha1.ts';

type Detail = Record<string, unknown> | null;

const str = (detail: Detail, key: string): string => {
  const value = detail?.[key];
  return value === undefined || value === null || value === '' ? '(absent)' : String(value);
};

/** The fix for an attempt that failed with `code`; `message` (the check's own words) is the fallback. */
export function fixFor(code: string | null, detail: Detail, message: string | null): string {
  switch (code) {
    case 'AUDIENCE_MISMATCH':
      if (detail?.expected)
        return `The Audience was ${str(detail, 'audience')}; set the Identifier (Entity ID) in your IdP to ${str(detail, 'expected')}.`;
      break;
    case 'RECIPIENT_MISMATCH':
      return `The Recipient was ${str(detail, 'recipient')}; set the Reply URL (Assertion Consumer Service URL) in your IdP to ${str(detail, 'expected')}.`;
    case 'DESTINATION_MISMATCH':
      return `The Destination was ${str(detail, 'destination')}; set the Reply URL (Assertion Consumer Service URL) in your IdP to ${str(detail, 'expected')}.`;
    case 'ISSUER_MISMATCH':
      return `The response came from ${str(detail, 'issuer')}, but this organization's IdP entity ID is ${str(detail, 'expected')}. Re-import the IdP metadata, or check that the IdP application is the one configured here.`;
    case 'SIGNATURE_KEY_UNTRUSTED':
    case 'SIGNATURE_INVALID':
      return 'The response was not signed by a certificate configured here. If the IdP rolled its certificate over, press “Refresh metadata” (or paste the new certificate).';
    case 'SIGNATURE_ALGORITHM_FORBIDDEN':
      // The algorithm, not the certificate: the certificate may well be the right one.
      if (refusedForSha1(code, detail))
        return `The IdP signed with SHA-1 (${str(detail, 'algorithm')}), which this organization refuses. Best: set the IdP to sign with SHA-256 (in Entra or Federa Directory: Single sign-on → SAML Certificates → Edit → Signing Algorithm). If it can only send SHA-1, turn on ${SHA1_SETTING_PLACE}.`;
      return `The IdP signed with an algorithm that is never accepted (${str(detail, 'algorithm')}). Set the IdP to sign with RSA-SHA256.`;
    case 'SIGNATURE_MISSING':
      // Unsigned altogether, or a signed response around an unsigned assertion where the organization
      // requires signed assertions (its SP metadata says WantAssertionsSigned).
      return 'The IdP did not sign the SAML assertion. Set the IdP to sign it (in Entra: Signing Option “Sign SAML assertion” or “Sign SAML response and assertion”); if the IdP can only sign the response, turn off “Require signed assertions” under Settings → Auth → Settings.';
    case 'UNSOLICITED_NOT_ALLOWED':
      return 'The sign-in was started at the IdP (IdP-initiated). Turn on “Allow IdP-initiated sign-in”, or start the sign-in from this organization’s login page.';
    case 'IN_RESPONSE_TO_UNEXPECTED':
    case 'IN_RESPONSE_TO_MISMATCH':
      return 'The response answered a sign-in this browser did not start (or one that already finished). Start again from this organization’s login page in the same browser; if it keeps happening, the browser may be blocking the “federa_ws_sso” cookie.';
    case 'RESPONSE_REPLAYED':
      return 'This response was already used. Nothing to fix unless it keeps happening (then someone may be replaying captured responses).';
    case 'EXPIRED':
    case 'NOT_YET_VALID':
      return `The assertion was outside its validity window (${str(detail, 'notOnOrAfter') !== '(absent)' ? `valid until ${str(detail, 'notOnOrAfter')}` : `valid from ${str(detail, 'notBefore')}`}, checked at ${str(detail, 'now')}). Check the clocks of the IdP and of this server.`;
    case 'RESPONSE_STATUS_NOT_SUCCESS':
      return `The IdP did not sign the person in (status ${str(detail, 'status')}). Check at the IdP that the user is assigned to the application.`;
    case 'USER_ID_MISSING':
      return `The assertion lacks the ${str(detail, 'attribute')} claim. Add it to the IdP's claims, or change the attribute mapping.`;
    case 'EMAIL_MISSING':
      return `The assertion lacks the ${str(detail, 'attribute')} claim. IdPs leave it out when the user has no email address: give the user an Email at the IdP, or change the attribute mapping.`;
    case 'SSO_NOT_CONFIGURED':
      return 'This organization has no SSO provider. Configure one under Settings → Auth.';
    case 'SETUP_NOT_FINISHED':
      return 'SSO setup is not finished: an owner or manager must press “Test and finish setup” and sign in once.';
  }
  return message ?? 'See the error code.';
}
