// @federa/saml: the SAML 2.0 protocol core. Pure: no HTTP, database or environment; time and
// randomness are injected. Everything a service needs is exported here.

export {
  decodeMessageText,
  decodePost,
  POST_FORM_SCRIPT,
  POST_FORM_SCRIPT_HASH,
  type PostFormOptions,
  postForm,
} from './bindings/http-post.ts';
export {
  type DecodedRedirect,
  decodeRedirect,
  encodeRedirect,
  type MessageParameter,
  rawQuery,
  verifyRedirectSignature,
} from './bindings/http-redirect.ts';
export {
  type Clock,
  fixedClock,
  type Random,
  systemClock,
  systemRandom,
  toSamlInstant,
} from './clock.ts';
export { SamlError, type SamlErrorCode } from './errors.ts';
export { type GeneratedCredential, generateCredential } from './keygen.ts';
export {
  type Certificate,
  parseCertificate,
  type SigningCredential,
  signingCredential,
} from './keys.ts';
export {
  buildIdpMetadata,
  buildSpMetadata,
  type IdpMetadataOptions,
  type SpMetadataOptions,
} from './metadata/build.ts';
export { defaultAssertionConsumerService, pickEndpoint } from './metadata/endpoints.ts';
export { type ParseMetadataOptions, parseMetadata } from './metadata/parse.ts';
export type {
  Endpoint,
  EntityDescriptor,
  IdpDescriptor,
  IndexedEndpoint,
  MetadataSignatureStatus,
  SpDescriptor,
} from './metadata/types.ts';
export {
  type AuthnRequest,
  type BuildAuthnRequestOptions,
  buildAuthnRequest,
  type NameIdPolicy,
  parseAuthnRequest,
  type RequestedAuthnContext,
} from './protocol/authn-request.ts';
export { CLOCK_SKEW_SECONDS, peekIssuer } from './protocol/common.ts';
export { buildLogoutRequest, type LogoutRequest, parseLogoutRequest } from './protocol/logout-request.ts';
export {
  buildLogoutResponse,
  type LogoutResponse,
  parseLogoutResponse,
} from './protocol/logout-response.ts';
export {
  type ValidatedAssertion,
  type ValidateResponseOptions,
  validateResponse,
} from './protocol/response.ts';
export {
  type IssuedResponse,
  type IssueResponseOptions,
  issueResponse,
  type SigningMode,
} from './protocol/response-build.ts';
export { readStatus, type Status } from './protocol/status.ts';
export { type BuildStatusResponseOptions, buildStatusResponse } from './protocol/status-response.ts';
export {
  ATTRNAME_FORMAT_URI,
  AUTHN_CONTEXT,
  BINDING,
  CM_BEARER,
  NAMEID_FORMAT,
  NS,
  STATUS,
} from './xml/namespaces.ts';
export { DEFAULT_LIMITS, METADATA_LIMITS, parseXml, type XmlLimits } from './xml/parse.ts';
export type { SignatureAlgorithmName } from './xmldsig/algorithms.ts';
