// The organization's "Allow SHA-1 signatures (insecure)" setting, as the pages that explain a refusal
// name it. The SAML core refuses SHA-1 unless told otherwise (security baseline 5) and reports the
// refused algorithm's URI; these words tell an admin whether the setting would help and where it is.

/** XML-DSig 1.0's SHA-1 identifiers: the only refused algorithms the setting can let through. */
const SHA1_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#sha1',
]);

export const SHA1_SETTING = 'Allow SHA-1 signatures (insecure)';

/** Where an owner or manager turns the setting on. */
export const SHA1_SETTING_PLACE = `“${SHA1_SETTING}” under Settings → Auth → Settings`;

/**
 * Whether a refusal with `code` and the core's private `detail` was for SHA-1 alone, so that turning
 * the setting on would accept the message. (HMAC or an unknown algorithm is refused whatever it says.)
 */
export function refusedForSha1(code: string | null, detail: Record<string, unknown> | null): boolean {
  return code === 'SIGNATURE_ALGORITHM_FORBIDDEN' && SHA1_ALGORITHMS.has(String(detail?.algorithm ?? ''));
}
