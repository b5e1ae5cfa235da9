import { createHash, sign } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';
import type { SigningCredential } from '../keys.ts';
import { appendElement } from '../xml/build.ts';
import { canonicalize } from '../xml/c14n.ts';
import { NS } from '../xml/namespaces.ts';
import {
  C14N_EXCLUSIVE,
  DIGEST_ALGORITHM_URI,
  SIGNATURE_ALGORITHM_URI,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithmName,
  TRANSFORM_ENVELOPED,
} from './algorithms.ts';

export interface SignOptions {
  credential: SigningCredential;
  /** Default rsa-sha256. rsa-sha1 only for peers that cannot do better (an admin's explicit choice). */
  algorithm?: SignatureAlgorithmName;
  /** Default follows the signature algorithm's hash. */
  digest?: 'sha256' | 'sha384' | 'sha512' | 'sha1';
  /** Insert the ds:Signature right after this child (SAML: after Issuer), or first when null. */
  after: Element | null;
}

/**
 * Signs `element` with an enveloped XML signature referencing its `ID`, in the shape Entra and
 * most SAML peers write: exclusive c14n, enveloped-signature + exc-c14n transforms, one Reference,
 * KeyInfo carrying the certificate (informational only: verifiers pin keys from metadata).
 *
 * @example
 * signElement(assertion, { credential, after: issuerElement });
 */
export function signElement(element: Element, options: SignOptions): void {
  const id = element.getAttribute('ID');
  if (!id) throw new SamlError('SIGNATURE_MALFORMED', 'Only an element with an ID can be signed.');
  const algorithmUri = SIGNATURE_ALGORITHM_URI[options.algorithm ?? 'rsa-sha256'];
  const hash = SIGNATURE_ALGORITHMS[algorithmUri].hash;
  const digestName = options.digest ?? hash;
  // With the signature not yet inserted, the element's canonical form is what the enveloped transform yields.
  const digestValue = createHash(digestName).update(canonicalize(element)).digest('base64');

  const document = element.ownerDocument!;
  const signature = document.createElementNS(NS.dsig, 'ds:Signature');
  const reference = options.after ? options.after.nextSibling : element.firstChild;
  element.insertBefore(signature, reference);

  const signedInfo = appendElement(signature, NS.dsig, 'ds:SignedInfo');
  appendElement(signedInfo, NS.dsig, 'ds:CanonicalizationMethod', { Algorithm: C14N_EXCLUSIVE });
  appendElement(signedInfo, NS.dsig, 'ds:SignatureMethod', { Algorithm: algorithmUri });
  const ref = appendElement(signedInfo, NS.dsig, 'ds:Reference', { URI: `#${id}` });
  const transforms = appendElement(ref, NS.dsig, 'ds:Transforms');
  appendElement(transforms, NS.dsig, 'ds:Transform', { Algorithm: TRANSFORM_ENVELOPED });
  appendElement(transforms, NS.dsig, 'ds:Transform', { Algorithm: C14N_EXCLUSIVE });
  appendElement(ref, NS.dsig, 'ds:DigestMethod', { Algorithm: DIGEST_ALGORITHM_URI[digestName] });
  appendElement(ref, NS.dsig, 'ds:DigestValue', {}, digestValue);

  const signatureValue = sign(hash, Buffer.from(canonicalize(signedInfo)), options.credential.privateKey);
  appendElement(signature, NS.dsig, 'ds:SignatureValue', {}, signatureValue.toString('base64'));
  const keyInfo = appendElement(signature, NS.dsig, 'ds:KeyInfo');
  const x509Data = appendElement(keyInfo, NS.dsig, 'ds:X509Data');
  appendElement(x509Data, NS.dsig, 'ds:X509Certificate', {}, options.credential.certificate.base64);
}
