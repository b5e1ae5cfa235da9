import { createHash, type KeyObject, verify } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';
import type { Certificate } from '../keys.ts';
import { canonicalize } from '../xml/c14n.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import { C14N_EXCLUSIVE, digestAlgorithm, signatureAlgorithm, TRANSFORM_ENVELOPED } from './algorithms.ts';

export interface VerifyOptions {
  /** Keys pinned from configured metadata. KeyInfo in the message never chooses the key. */
  keys: readonly KeyObject[];
  allowSha1?: boolean;
  /** The pinned certificates, only to say SIGNATURE_KEY_UNTRUSTED when KeyInfo names another one. */
  certificates?: readonly Certificate[];
}

/** The ds:Signature that is a direct child of `element`; `null` when unsigned; two is malformed. */
export function findSignature(element: Element): Element | null {
  return optionalChild(element, NS.dsig, 'Signature', 'SIGNATURE_MALFORMED');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const EC_NS = C14N_EXCLUSIVE;

/**
 * Verifies the enveloped signature of `element` (XML-DSig Core §3.2), bound by position: the
 * ds:Signature must be a direct child of `element`, hold exactly one SignedInfo, SignatureValue and at
 * most one KeyInfo, and its one Reference must be `#` + the element's own ID. Only exclusive c14n
 * without comments and the enveloped-signature transform are accepted (at most two transforms), and
 * only allow-listed algorithms. Throws a SamlError; returns nothing when the signature holds.
 *
 * @example
 * verifyEnvelopedSignature(assertion, { keys: idp.signingCertificates.map((c) => c.publicKey) });
 */
export function verifyEnvelopedSignature(element: Element, options: VerifyOptions): void {
  const signature = findSignature(element);
  if (!signature) throw new SamlError('SIGNATURE_MISSING', `The ${element.localName} is not signed.`);
  const id = attr(element, 'ID');
  if (!id) throw new SamlError('SIGNATURE_REFERENCE_INVALID', `The signed ${element.localName} has no ID.`);

  const parts = childElements(signature);
  const [signedInfo, signatureValue, keyInfo] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !isDsig(signedInfo, 'SignedInfo') ||
    !isDsig(signatureValue, 'SignatureValue') ||
    (keyInfo !== undefined && !isDsig(keyInfo, 'KeyInfo'))
  ) {
    throw new SamlError(
      'SIGNATURE_MALFORMED',
      'The signature must hold exactly one SignedInfo, one SignatureValue and at most one KeyInfo.',
    );
  }

  const infoParts = childElements(signedInfo);
  const [c14nMethod, signatureMethod, reference] = infoParts;
  if (
    infoParts.length !== 3 ||
    !isDsig(c14nMethod, 'CanonicalizationMethod') ||
    !isDsig(signatureMethod, 'SignatureMethod') ||
    !isDsig(reference, 'Reference')
  ) {
    throw new SamlError(
      'SIGNATURE_REFERENCE_INVALID',
      'The SignedInfo must hold one CanonicalizationMethod, one SignatureMethod and exactly one Reference.',
    );
  }
  if (attr(c14nMethod, 'Algorithm') !== C14N_EXCLUSIVE) {
    throw new SamlError(
      'SIGNATURE_TRANSFORM_FORBIDDEN',
      'Only exclusive canonicalization without comments is accepted.',
    );
  }
  const algorithm = signatureAlgorithm(attr(signatureMethod, 'Algorithm'), options.allowSha1 ?? false);
  if (attr(reference, 'URI') !== `#${id}`) {
    throw new SamlError(
      'SIGNATURE_REFERENCE_INVALID',
      `The signature does not reference the ${element.localName} that contains it.`,
    );
  }
  const { enveloped, prefixes: referencePrefixes } = readTransforms(reference);
  const referenceParts = childElements(reference);
  const digestMethod = referenceParts.find((e) => isDsig(e, 'DigestMethod'));
  const digestElement = referenceParts.find((e) => isDsig(e, 'DigestValue'));
  if (!digestMethod || !digestElement || referenceParts.length > 3) {
    throw new SamlError(
      'SIGNATURE_REFERENCE_INVALID',
      'The signature Reference lacks DigestMethod or DigestValue.',
    );
  }
  const digest = digestAlgorithm(attr(digestMethod, 'Algorithm'), options.allowSha1 ?? false);

  const signatureBytes = decodeBase64(textOf(signatureValue), 'SignatureValue');
  const signedBytes = Buffer.from(
    canonicalize(signedInfo, { inclusivePrefixes: inclusivePrefixes(c14nMethod) }),
  );
  const dsaEncoding = algorithm.kind === 'ecdsa' ? 'ieee-p1363' : undefined;
  const verified = options.keys.some((key) => {
    try {
      return verify(algorithm.hash, signedBytes, dsaEncoding ? { key, dsaEncoding } : key, signatureBytes);
    } catch {
      return false; // a key of another type (RSA key, ECDSA algorithm) simply does not verify
    }
  });
  if (!verified) throw untrustedOrInvalid(keyInfo, options.certificates);

  // The Reference: the element without its signature (enveloped transform), canonicalized.
  const expected = decodeBase64(textOf(digestElement), 'DigestValue');
  const actual = createHash(digest.hash)
    .update(
      canonicalize(element, { exclude: enveloped ? signature : null, inclusivePrefixes: referencePrefixes }),
    )
    .digest();
  if (!actual.equals(expected)) {
    throw new SamlError(
      'SIGNATURE_DIGEST_MISMATCH',
      `The signed ${element.localName} was changed after it was signed (its digest does not match).`,
    );
  }
}

function readTransforms(reference: Element): { enveloped: boolean; prefixes: string[] } {
  const transformsElement = optionalChild(reference, NS.dsig, 'Transforms', 'SIGNATURE_REFERENCE_INVALID');
  const transforms = transformsElement ? childElements(transformsElement) : [];
  // Allowed: [exc-c14n] or [enveloped-signature, exc-c14n]. Anything else (XPath, XSLT, inclusive
  // c14n, c14n with comments, base64) is refused, not ignored.
  const algorithms = transforms.map((t) => (isDsig(t, 'Transform') ? attr(t, 'Algorithm') : null));
  const allowed =
    (algorithms.length === 1 && algorithms[0] === C14N_EXCLUSIVE) ||
    (algorithms.length === 2 && algorithms[0] === TRANSFORM_ENVELOPED && algorithms[1] === C14N_EXCLUSIVE);
  if (!allowed) {
    throw new SamlError(
      'SIGNATURE_TRANSFORM_FORBIDDEN',
      'The signature uses transforms other than enveloped-signature and exclusive canonicalization.',
      { transforms: algorithms.join(' ') },
    );
  }
  const last = transforms[transforms.length - 1]!;
  return { enveloped: algorithms.length === 2, prefixes: inclusivePrefixes(last) };
}

function inclusivePrefixes(method: Element): string[] {
  const children = childElements(method);
  if (children.length === 0) return [];
  const inclusive = children[0]!;
  if (
    children.length > 1 ||
    inclusive.namespaceURI !== EC_NS ||
    inclusive.localName !== 'InclusiveNamespaces'
  ) {
    throw new SamlError(
      'SIGNATURE_TRANSFORM_FORBIDDEN',
      'The canonicalization method has unexpected parameters.',
    );
  }
  const list = attr(inclusive, 'PrefixList') ?? '';
  return list.split(/\s+/).filter((p) => p !== '');
}

function isDsig(element: Element | undefined, localName: string): element is Element {
  return element !== undefined && element.namespaceURI === NS.dsig && element.localName === localName;
}

function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new SamlError('SIGNATURE_MALFORMED', `The signature's ${what} is not base64.`);
  }
  return Buffer.from(compact, 'base64');
}

function untrustedOrInvalid(
  keyInfo: Element | undefined,
  certificates: readonly Certificate[] | undefined,
): SamlError {
  const offered = keyInfo ? firstCertificate(keyInfo) : null;
  if (offered && certificates && !certificates.some((c) => c.base64 === offered)) {
    return new SamlError(
      'SIGNATURE_KEY_UNTRUSTED',
      'The message was signed with a certificate that the configured IdP metadata does not list. Update the IdP certificate (re-import the metadata).',
    );
  }
  return new SamlError(
    'SIGNATURE_INVALID',
    'The signature does not verify with the IdP certificates configured.',
  );
}

function firstCertificate(keyInfo: Element): string | null {
  for (const data of childElements(keyInfo, NS.dsig, 'X509Data')) {
    for (const cert of childElements(data, NS.dsig, 'X509Certificate'))
      return textOf(cert).replace(/\s+/g, '');
  }
  return null;
}
