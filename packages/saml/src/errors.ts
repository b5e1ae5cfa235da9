/**
 * Every way a SAML message can be refused, as a closed union. Callers (and tests) branch on `code`,
 * never on message text. The message says what was wrong and what to check; it never contains the
 * SAML message itself, keys or personal data beyond identifiers the admin configured.
 */
export type SamlErrorCode =
  // input shape and the parser
  | 'INPUT_TOO_LARGE'
  | 'INPUT_ENCODING_INVALID'
  | 'XML_MALFORMED'
  | 'XML_DTD_FORBIDDEN'
  | 'XML_TOO_DEEP'
  | 'XML_TOO_MANY_NODES'
  | 'XML_DUPLICATE_ID'
  | 'XML_UNEXPECTED_ROOT'
  | 'XML_SCHEMA_INVALID'
  // signatures
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_REFERENCE_INVALID'
  | 'SIGNATURE_ALGORITHM_FORBIDDEN'
  | 'SIGNATURE_TRANSFORM_FORBIDDEN'
  | 'SIGNATURE_DIGEST_MISMATCH'
  | 'SIGNATURE_KEY_UNTRUSTED'
  | 'SIGNATURE_PLACEMENT_INVALID'
  // encryption
  | 'DECRYPTION_FAILED'
  | 'DECRYPTION_KEY_MISSING'
  | 'ENCRYPTION_ALGORITHM_FORBIDDEN'
  // response semantics
  | 'RESPONSE_STATUS_NOT_SUCCESS'
  | 'ASSERTION_MISSING'
  | 'ASSERTION_MULTIPLE'
  | 'ISSUER_MISMATCH'
  | 'DESTINATION_MISMATCH'
  | 'AUDIENCE_MISMATCH'
  | 'RECIPIENT_MISMATCH'
  | 'SUBJECT_CONFIRMATION_INVALID'
  | 'SUBJECT_MISSING'
  | 'NAMEID_MISSING'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'IN_RESPONSE_TO_MISMATCH'
  | 'IN_RESPONSE_TO_UNEXPECTED'
  | 'UNSOLICITED_NOT_ALLOWED'
  | 'RESPONSE_REPLAYED'
  | 'VERSION_UNSUPPORTED'
  // requests, bindings, metadata
  | 'REQUEST_INVALID'
  | 'REQUEST_EXPIRED'
  | 'BINDING_INVALID'
  | 'RELAY_STATE_INVALID'
  | 'METADATA_INVALID'
  | 'METADATA_NO_SIGNING_CERTIFICATE'
  | 'CERTIFICATE_INVALID'
  | 'KEY_INVALID';

export class SamlError extends Error {
  readonly code: SamlErrorCode;
  /** Private detail for the sign-in log (never shown to the browser, never the raw message). */
  readonly detail: Record<string, string | number | boolean | null> | undefined;

  constructor(code: SamlErrorCode, message: string, detail?: SamlError['detail']) {
    super(message);
    this.name = 'SamlError';
    this.code = code;
    this.detail = detail;
  }
}

/** Runs `fn`, turning anything it throws that is not already a SamlError into one with `code`. */
export function wrapErrors<T>(code: SamlErrorCode, message: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SamlError) throw error;
    throw new SamlError(code, message);
  }
}
