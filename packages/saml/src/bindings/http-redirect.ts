import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SamlError } from '../errors.ts';
import { DEFAULT_LIMITS } from '../xml/parse.ts';
import {
  SIGNATURE_ALGORITHM_URI,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithmName,
  signatureAlgorithm,
} from '../xmldsig/algorithms.ts';
import { decodeBase64Strict, decodeUtf8, inflateCapped, percentDecode } from './encoding.ts';

/** SAML Bindings §3.4: HTTP-Redirect, with the DEFLATE encoding of §3.4.4.1. */

export type MessageParameter = 'SAMLRequest' | 'SAMLResponse';

export interface EncodeRedirectOptions {
  /** The peer's endpoint. A query string it already has is kept; ours is appended. */
  location: string;
  parameter: MessageParameter;
  xml: string;
  relayState?: string | undefined;
  /** Sign the query (§3.4.4.1). The XML itself must then carry no enveloped signature. */
  sign?: { privateKey: KeyObject; algorithm?: SignatureAlgorithmName } | undefined;
}

export interface RedirectSignature {
  /** The SigAlg URI as sent (not yet allow-listed: `verifyRedirectSignature` does that). */
  algorithm: string;
  value: Buffer;
  /** `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as the parameters appeared in the raw query. */
  signedOctets: string;
}

export interface DecodedRedirect {
  parameter: MessageParameter;
  xml: string;
  relayState: string | null;
  signature?: RedirectSignature;
}

export interface DecodeRedirectOptions {
  /** Characters of the URL-encoded message parameter accepted (checked before any decoding). */
  maxEncodedBytes?: number;
  /** Bytes the message may inflate to (zlib stops there). */
  maxInflatedBytes?: number;
}

const DEFAULT_MAX_ENCODED = 64 * 1024;
/** RelayState (§3.4.3: at most 80 bytes, but peers exceed it), SigAlg and Signature together. */
const OTHER_PARAMETERS_ALLOWANCE = 16 * 1024;
const KNOWN = new Set(['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);

/**
 * Builds the URL that sends `xml` by HTTP-Redirect: DEFLATE, base64, URL-encode (§3.4.4.1); when
 * `sign` is given, the signature covers `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as they appear
 * in the URL, and `Signature` is appended.
 *
 * @example
 * const url = encodeRedirect({
 *   location: 'https://idp.example/saml2',
 *   parameter: 'SAMLRequest',
 *   xml: authnRequestXml,
 *   relayState: '/dashboard',
 *   sign: { privateKey: credential.privateKey },
 * });
 */
export function encodeRedirect(options: EncodeRedirectOptions): string {
  const message = deflateRawSync(Buffer.from(options.xml, 'utf8')).toString('base64');
  let query = `${options.parameter}=${encodeURIComponent(message)}`;
  if (options.relayState !== undefined) query += `&RelayState=${encodeURIComponent(options.relayState)}`;
  if (options.sign) {
    const uri = SIGNATURE_ALGORITHM_URI[options.sign.algorithm ?? 'rsa-sha256'];
    const algorithm = SIGNATURE_ALGORITHMS[uri];
    query += `&SigAlg=${encodeURIComponent(uri)}`;
    const signature = cryptoSign(algorithm.hash, Buffer.from(query, 'utf8'), {
      key: options.sign.privateKey,
      dsaEncoding: algorithm.kind === 'ecdsa' ? 'ieee-p1363' : 'der',
    });
    query += `&Signature=${encodeURIComponent(signature.toString('base64'))}`;
  }
  return `${options.location}${options.location.includes('?') ? '&' : '?'}${query}`;
}

/**
 * The raw query string of a request URL (everything after the first '?'), for `decodeRedirect`.
 * Take it from the request line as received: a framework's parsed-and-re-encoded query may differ
 * from the bytes the peer signed.
 *
 * @example
 * rawQuery('/tenant/saml2?SAMLRequest=fZ...&SigAlg=...'); // 'SAMLRequest=fZ...&SigAlg=...'
 */
export function rawQuery(url: string): string {
  const at = url.indexOf('?');
  const query = at === -1 ? '' : url.slice(at + 1);
  const hash = query.indexOf('#');
  return hash === -1 ? query : query.slice(0, hash);
}

/**
 * Decodes an HTTP-Redirect message from the RAW query string (without re-encoding anything: the
 * signature is over the bytes as received, §3.4.4.1). Refuses a repeated SAML parameter, both
 * SAMLRequest and SAMLResponse, a Signature without SigAlg (or the reverse), input over the size caps
 * (`INPUT_TOO_LARGE`, the inflate cap enforced by zlib) and any invalid encoding. It does not verify
 * the signature: call `verifyRedirectSignature`.
 *
 * @example
 * const decoded = decodeRedirect(rawQuery(request.url));
 * verifyRedirectSignature(decoded, { keys: [peerCertificate.publicKey] });
 * decoded.xml; // '<samlp:AuthnRequest …'
 */
export function decodeRedirect(rawQueryString: string, options: DecodeRedirectOptions = {}): DecodedRedirect {
  const maxEncoded = options.maxEncodedBytes ?? DEFAULT_MAX_ENCODED;
  const maxInflated = options.maxInflatedBytes ?? DEFAULT_LIMITS.maxChars;
  const query = rawQueryString.startsWith('?') ? rawQueryString.slice(1) : rawQueryString;
  if (query.length > maxEncoded + OTHER_PARAMETERS_ALLOWANCE) {
    throw new SamlError(
      'INPUT_TOO_LARGE',
      `The query string is longer than the ${maxEncoded} characters accepted.`,
    );
  }

  // name → raw (still percent-encoded) value, for the SAML parameters only; others belong to the app.
  const raw = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = percentDecode(equals === -1 ? pair : pair.slice(0, equals), true);
    if (!KNOWN.has(name)) continue;
    if (raw.has(name)) {
      // Two values for one parameter: which one a signature covers would depend on the parser.
      throw new SamlError('BINDING_INVALID', `The query string repeats the ${name} parameter.`, {
        parameter: name,
      });
    }
    raw.set(name, equals === -1 ? '' : pair.slice(equals + 1));
  }

  const request = raw.get('SAMLRequest');
  const response = raw.get('SAMLResponse');
  if ((request === undefined) === (response === undefined)) {
    throw new SamlError(
      'BINDING_INVALID',
      'The query string must carry exactly one of SAMLRequest and SAMLResponse.',
    );
  }
  const parameter: MessageParameter = request !== undefined ? 'SAMLRequest' : 'SAMLResponse';
  const encoded = (request ?? response)!;
  if (encoded.length > maxEncoded) {
    throw new SamlError(
      'INPUT_TOO_LARGE',
      `The ${parameter} parameter is longer than the ${maxEncoded} characters accepted.`,
    );
  }
  const xml = decodeUtf8(inflateCapped(decodeBase64Strict(percentDecode(encoded, false)), maxInflated));

  const rawRelayState = raw.get('RelayState');
  const relayState = rawRelayState === undefined ? null : percentDecode(rawRelayState, true);

  const rawSigAlg = raw.get('SigAlg');
  const rawSignature = raw.get('Signature');
  if ((rawSigAlg === undefined) !== (rawSignature === undefined)) {
    throw new SamlError(
      'BINDING_INVALID',
      'The query string has one of SigAlg and Signature without the other.',
    );
  }
  if (rawSigAlg === undefined || rawSignature === undefined) return { parameter, xml, relayState };

  // §3.4.4.1: the signed octets are the parameters in this order, each exactly as received.
  let signedOctets = `${parameter}=${encoded}`;
  if (rawRelayState !== undefined) signedOctets += `&RelayState=${rawRelayState}`;
  signedOctets += `&SigAlg=${rawSigAlg}`;
  return {
    parameter,
    xml,
    relayState,
    signature: {
      algorithm: percentDecode(rawSigAlg, true),
      value: decodeBase64Strict(percentDecode(rawSignature, false)),
      signedOctets,
    },
  };
}

export interface VerifyRedirectOptions {
  /** The peer's keys, pinned from its metadata (every signing certificate listed, for rollover). */
  keys: readonly KeyObject[];
  /** Accept RSA-SHA1 (only when an admin turned it on for this peer). */
  allowSha1?: boolean;
}

/**
 * Verifies the query-string signature of a decoded HTTP-Redirect message (§3.4.4.1) against the
 * pinned keys: `SIGNATURE_MISSING` when unsigned, `SIGNATURE_ALGORITHM_FORBIDDEN` for HMAC, unknown
 * algorithms and (unless allowed) SHA-1, `SIGNATURE_INVALID` when no key verifies it.
 *
 * @example
 * verifyRedirectSignature(decodeRedirect(query), { keys: spCertificates.map((c) => c.publicKey) });
 */
export function verifyRedirectSignature(decoded: DecodedRedirect, options: VerifyRedirectOptions): void {
  const signature = decoded.signature;
  if (!signature) throw new SamlError('SIGNATURE_MISSING', 'The redirect message is not signed.');
  const algorithm = signatureAlgorithm(signature.algorithm, options.allowSha1 ?? false);
  if (options.keys.length === 0) {
    throw new SamlError('SIGNATURE_KEY_UNTRUSTED', 'No signing certificate is configured for this peer.');
  }
  const octets = Buffer.from(signature.signedOctets, 'utf8');
  const keyType = algorithm.kind === 'ecdsa' ? 'ec' : 'rsa';
  for (const key of options.keys) {
    // A key of another type would verify under its own scheme whatever SigAlg says: skip it.
    if (key.asymmetricKeyType !== keyType) continue;
    try {
      const dsaEncoding = algorithm.kind === 'ecdsa' ? 'ieee-p1363' : 'der';
      if (cryptoVerify(algorithm.hash, octets, { key, dsaEncoding }, signature.value)) return;
    } catch {
      // A malformed signature value for this key: try the next key.
    }
  }
  throw new SamlError(
    'SIGNATURE_INVALID',
    'The redirect signature does not verify with any configured certificate.',
  );
}
