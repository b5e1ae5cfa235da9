import { SamlError } from '../errors.ts';

/** Signature algorithms by URI (XML-DSig and RFC 6931). HMAC is absent on purpose: never accepted. */
export const SIGNATURE_ALGORITHMS = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', kind: 'rsa', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', kind: 'rsa', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', kind: 'rsa', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { hash: 'sha256', kind: 'ecdsa', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { hash: 'sha384', kind: 'ecdsa', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { hash: 'sha512', kind: 'ecdsa', weak: false },
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', kind: 'rsa', weak: true },
} as const;

export const DIGEST_ALGORITHMS = {
  'http://www.w3.org/2001/04/xmlenc#sha256': { hash: 'sha256', weak: false },
  'http://www.w3.org/2001/04/xmldsig-more#sha384': { hash: 'sha384', weak: false },
  'http://www.w3.org/2001/04/xmlenc#sha512': { hash: 'sha512', weak: false },
  'http://www.w3.org/2000/09/xmldsig#sha1': { hash: 'sha1', weak: true },
} as const;

export const C14N_EXCLUSIVE = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const TRANSFORM_ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** The short names callers use when signing. */
export type SignatureAlgorithmName = 'rsa-sha256' | 'rsa-sha384' | 'rsa-sha512' | 'rsa-sha1';

export const SIGNATURE_ALGORITHM_URI: Record<SignatureAlgorithmName, keyof typeof SIGNATURE_ALGORITHMS> = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha384': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
};

export const DIGEST_ALGORITHM_URI: Record<
  'sha256' | 'sha384' | 'sha512' | 'sha1',
  keyof typeof DIGEST_ALGORITHMS
> = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
};

/**
 * The allow-listed signature algorithm for `uri`. SHA-1 only when the admin turned it on; anything
 * else (HMAC above all: it would let a public certificate act as a shared secret) is refused.
 */
export function signatureAlgorithm(uri: string | null, allowSha1: boolean) {
  const found = uri !== null ? SIGNATURE_ALGORITHMS[uri as keyof typeof SIGNATURE_ALGORITHMS] : undefined;
  if (!found || (found.weak && !allowSha1)) {
    throw new SamlError(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
      found
        ? 'The message is signed with SHA-1. Configure the IdP to sign with SHA-256, or allow SHA-1 for this connection.'
        : 'The message is signed with an algorithm that is not accepted (RSA or ECDSA with SHA-256 or stronger).',
      { algorithm: uri ?? '' },
    );
  }
  return found;
}

export function digestAlgorithm(uri: string | null, allowSha1: boolean) {
  const found = uri !== null ? DIGEST_ALGORITHMS[uri as keyof typeof DIGEST_ALGORITHMS] : undefined;
  if (!found || (found.weak && !allowSha1)) {
    throw new SamlError(
      'SIGNATURE_ALGORITHM_FORBIDDEN',
      found
        ? 'The message digests with SHA-1. Configure the IdP to use SHA-256, or allow SHA-1 for this connection.'
        : 'The message uses a digest algorithm that is not accepted (SHA-256 or stronger).',
      { algorithm: uri ?? '' },
    );
  }
  return found;
}
