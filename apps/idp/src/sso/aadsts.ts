/**
 * The Entra ID (AADSTS) error codes Federa Directory uses, with Entra's wording. Each sign-in failure
 * carries one: the error page shows it, the sign-in log records it, admins search for it.
 */
export type AadstsCode =
  | 'AADSTS750054' // no SAMLRequest / SAMLResponse
  | 'AADSTS75005' // not a valid SAML 2.0 protocol message
  | 'AADSTS700016' // unknown Identifier
  | 'AADSTS7000112' // application disabled
  | 'AADSTS500113' // no Reply URL registered
  | 'AADSTS50011' // Reply URL mismatch
  | 'AADSTS75003' // a binding other than HTTP-POST asked for the response
  | 'AADSTS76021' // request signature not valid
  | 'AADSTS76026' // IssueInstant too old or in the future
  | 'AADSTS75008' // unexpected Destination
  | 'AADSTS75016' // NameIDPolicy cannot be satisfied
  | 'AADSTS50058' // IsPassive and nobody signed in
  | 'AADSTS50055' // the password is expired (temporary): the user must update it
  | 'AADSTS75011' // RequestedAuthnContext cannot be satisfied
  | 'AADSTS50105' // user not assigned
  | 'AADSTS50057' // account disabled
  | 'AADSTS50053' // account locked
  | 'AADSTS50126' // wrong password
  | 'AADSTS50034' // no such user in the directory
  | 'AADSTS50107' // the NameID source attribute of the user is empty (Federa's choice of code)
  | 'AADSTS90015' // the tenant in the URL does not exist
  | 'AADSTS53003' // blocked by Conditional Access
  | 'AADSTS50076' // Conditional Access requires MFA the sign-in did not do
  | 'AADSTS50074' // MFA required and not passed (failed or cancelled)
  | 'AADSTS500121'; // wrong verification code at the MFA step

export const AADSTS_SUMMARY: Record<AadstsCode, string> = {
  AADSTS750054:
    'SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for SAML Redirect binding.',
  AADSTS75005: 'The request is not a valid Saml2 protocol message.',
  AADSTS700016: 'Application with identifier was not found in the directory.',
  AADSTS7000112: 'Application is disabled.',
  AADSTS500113: 'No reply address is registered for the application.',
  AADSTS50011:
    'The reply URL specified in the request does not match the reply URLs configured for the application.',
  AADSTS75003: 'The application asked for a binding other than HTTP POST for the SAML response.',
  AADSTS76021: 'The signature of the request could not be verified.',
  AADSTS76026: 'IssueInstant in the authentication request is not within the accepted time window.',
  AADSTS75008:
    'The request from the application was denied since the SAML request had an unexpected destination.',
  AADSTS75016: 'SAML2 Authentication Request has invalid NameIDPolicy.',
  AADSTS50058: 'A silent sign-in request was sent but no user is signed in.',
  AADSTS50055: 'The password is expired. The user must update their password.',
  AADSTS75011:
    'Authentication method by which the user authenticated with the service doesn’t match requested authentication method.',
  AADSTS50105: 'The signed in user is not assigned to a role for the application.',
  AADSTS50057: 'The user account is disabled.',
  AADSTS50053:
    'The account is locked because the user tried to sign in too many times with an incorrect user ID or password.',
  AADSTS50126: 'Error validating credentials due to invalid username or password.',
  AADSTS50034: 'The user account does not exist in the directory.',
  AADSTS50107: 'The value for the Name ID of the user is empty.',
  AADSTS90015: 'The tenant was not found.',
  AADSTS53003:
    'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  AADSTS50076:
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the application.',
  AADSTS50074: 'Strong authentication is required and the user did not pass the MFA challenge.',
  AADSTS500121: 'Authentication failed during strong authentication request.',
};
