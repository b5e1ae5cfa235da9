import { createHash, createHmac, sign } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { SigningCredential } from '../../src/keys.ts';
import { canonicalize } from '../../src/xml/c14n.ts';
import { attr, childElements } from '../../src/xml/dom.ts';
import { NS } from '../../src/xml/namespaces.ts';
import { DIGEST_ALGORITHMS, SIGNATURE_ALGORITHMS } from '../../src/xmldsig/algorithms.ts';
import { child, first, setText, signatureOf } from './xml-edit.ts';

/**
 * Signing as a forger would, after changing a signature's SignedInfo: recompute the digest of the
 * element (enveloped, exclusive c14n: what our verifier would compute were its policy checks gone)
 * and the SignatureValue over SignedInfo, with whatever key. With the trusted IdP key this isolates a
 * policy check (an algorithm, a transform, a Reference) from the cryptography; with the attacker's
 * key it is the "re-sign everything with my own certificate" attack.
 */

export const HMAC_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256';
export const HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
const HMAC_HASH: Record<string, string> = { [HMAC_SHA256]: 'sha256', [HMAC_SHA1]: 'sha1' };

/**
 * Re-signs the enveloped signature of `element` with `credential`: every Reference pointing at the
 * element's own ID gets a fresh DigestValue, the SignatureValue is recomputed, and KeyInfo (when
 * present) carries `credential`'s certificate. An HMAC SignatureMethod is keyed with the certificate's
 * DER bytes: the classic "the public certificate is the shared secret" attack.
 *
 * @example
 * resign(assertion, testKey('attacker'));
 */
export function resign(element: Element, credential: SigningCredential): void {
  const signature = signatureOf(element);
  const signedInfo = child(signature, NS.dsig, 'SignedInfo');
  const id = attr(element, 'ID');
  for (const reference of childElements(signedInfo, NS.dsig, 'Reference')) {
    if (attr(reference, 'URI') !== `#${id}`) continue;
    const method = attr(child(reference, NS.dsig, 'DigestMethod'), 'Algorithm') ?? '';
    const digest = DIGEST_ALGORITHMS[method as keyof typeof DIGEST_ALGORITHMS];
    if (!digest) throw new Error(`fixture generator: unknown digest ${method}`);
    setText(child(reference, NS.dsig, 'DigestValue'), digestOf(element, digest.hash));
  }
  const signed = Buffer.from(canonicalize(signedInfo));
  const method = attr(child(signedInfo, NS.dsig, 'SignatureMethod'), 'Algorithm') ?? '';
  const hmac = HMAC_HASH[method];
  let value: Buffer;
  if (hmac) {
    value = createHmac(hmac, Buffer.from(credential.certificate.base64, 'base64')).update(signed).digest();
  } else {
    const algorithm = SIGNATURE_ALGORITHMS[method as keyof typeof SIGNATURE_ALGORITHMS];
    if (!algorithm) throw new Error(`fixture generator: unknown signature method ${method}`);
    value = sign(algorithm.hash, signed, credential.privateKey);
  }
  setText(child(signature, NS.dsig, 'SignatureValue'), value.toString('base64'));
  const certificates = childElements(signature, NS.dsig, 'KeyInfo');
  if (certificates[0])
    setText(first(certificates[0], NS.dsig, 'X509Certificate'), credential.certificate.base64);
}

/** The base64 digest of `element` without its enveloped signature, exclusive c14n. */
export function digestOf(element: Element, hash = 'sha256'): string {
  const signature = childElements(element, NS.dsig, 'Signature')[0] ?? null;
  return createHash(hash)
    .update(canonicalize(element, { exclude: signature }))
    .digest('base64');
}

/** The Transforms of the one Reference of `element`'s signature, to be rewritten. */
export function transformsOf(element: Element): Element {
  return first(signatureOf(element), NS.dsig, 'Transforms');
}

/** Appends a ds:Transform with `algorithm` (and optional child elements) to `transforms`. */
export function addTransform(
  transforms: Element,
  algorithm: string,
  inner?: (transform: Element) => void,
): void {
  const document = transforms.ownerDocument!;
  const transform = document.createElementNS(NS.dsig, 'ds:Transform');
  transform.setAttribute('Algorithm', algorithm);
  inner?.(transform);
  transforms.appendChild(transform);
}
