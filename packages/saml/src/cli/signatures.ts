import type { Element, Node } from '@xmldom/xmldom';
import { parseCertificate } from '../keys.ts';
import { attr, childElements, descendants, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import {
  C14N_EXCLUSIVE,
  DIGEST_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  TRANSFORM_ENVELOPED,
} from '../xmldsig/algorithms.ts';

/**
 * What each XML signature of a message is placed on and covers, in words, for `federa-saml inspect`.
 * Read-only: nothing here checks a digest or a signature value (verify-response does); it shows
 * where a signature sits, what its Reference points at, and whether Federa's rules would accept the
 * placement, references and algorithms.
 */
export interface SignatureReport {
  /** e.g. `Signature 1 on samlp:Response ID=_abc covers the whole Response including Assertion _def` */
  headline: string;
  /** Indented detail lines: position, reference, algorithms, key info, problems. */
  details: string[];
}

const SHORT_NAMES: Record<string, string> = {
  [C14N_EXCLUSIVE]: 'exc-c14n',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': 'exc-c14n-with-comments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': 'c14n (inclusive)',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': 'c14n-with-comments (inclusive)',
  [TRANSFORM_ENVELOPED]: 'enveloped-signature',
};

function shortName(uri: string | null): string {
  if (uri === null) return '(none)';
  return SHORT_NAMES[uri] ?? (uri.includes('#') ? uri.slice(uri.indexOf('#') + 1) : uri);
}

/** `samlp:Response ID=_abc`, or just the name when the element has no ID. */
function label(element: Element): string {
  const id = attr(element, 'ID') ?? attr(element, 'Id') ?? attr(element, 'id');
  return id === null ? element.tagName : `${element.tagName} ID=${id}`;
}

function contains(ancestor: Node, node: Node): boolean {
  for (let at: Node | null = node; at; at = at.parentNode) if (at === ancestor) return true;
  return false;
}

/**
 * One report per ds:Signature anywhere in the document, in document order.
 *
 * @example
 * const { root, ids } = parseXml(xml);
 * describeSignatures(root, ids)[0]!.headline; // 'Signature 1 on samlp:Response ID=_abc covers …'
 */
export function describeSignatures(root: Element, ids: ReadonlyMap<string, Element>): SignatureReport[] {
  return descendants(root, NS.dsig, 'Signature').map((signature, index) =>
    describe(signature, index + 1, root, ids),
  );
}

function describe(
  signature: Element,
  number: number,
  root: Element,
  ids: ReadonlyMap<string, Element>,
): SignatureReport {
  const parent = signature.parentNode as Element;
  const details: string[] = [];
  const problems: string[] = [];
  const signedInfos = childElements(signature, NS.dsig, 'SignedInfo');
  const signedInfo = signedInfos[0];
  const references = signedInfo ? childElements(signedInfo, NS.dsig, 'Reference') : [];
  if (signedInfos.length !== 1 || childElements(signature, NS.dsig, 'SignatureValue').length !== 1) {
    problems.push('a signature must hold exactly one SignedInfo and one SignatureValue');
  }
  if (childElements(signature, NS.dsig, 'KeyInfo').length > 1) problems.push('more than one KeyInfo');
  if (references.length !== 1) {
    problems.push(`${references.length} References: Federa accepts exactly one, to the signed element`);
  }

  const position = placement(parent, root);
  details.push(`position: ${position.allowed ? 'allowed' : 'NOT ALLOWED'} (${position.reason})`);
  const coverage = references.map((reference) => describeReference(reference, parent, root, ids, problems));
  for (const line of coverage) details.push(line.detail);

  if (signedInfo) details.push(`algorithms: ${algorithms(signedInfo)}`);
  const keyInfo = childElements(signature, NS.dsig, 'KeyInfo')[0];
  if (keyInfo) details.push(`key info: ${describeKeyInfo(keyInfo)}`);
  for (const problem of problems) details.push(`problem: ${problem}`);

  const covers =
    coverage.length === 0 ? 'covers nothing (no Reference)' : coverage.map((c) => c.covers).join('; ');
  return { headline: `Signature ${number} on ${label(parent)} ${covers}`, details };
}

/** DESIGN.md baseline 3 and SAML Metadata §2.3.2: where each kind of document may carry a signature. */
function placement(parent: Element, root: Element): { allowed: boolean; reason: string } {
  const isRootResponse = root.namespaceURI === NS.protocol && root.localName === 'Response';
  if (parent === root) return { allowed: true, reason: `on the root ${root.localName}` };
  if (
    isRootResponse &&
    parent.namespaceURI === NS.assertion &&
    parent.localName === 'Assertion' &&
    parent.parentNode === root
  ) {
    return { allowed: true, reason: 'on the Assertion directly under the Response' };
  }
  if (
    root.namespaceURI === NS.metadata &&
    root.localName === 'EntitiesDescriptor' &&
    parent.parentNode === root &&
    parent.localName === 'EntityDescriptor'
  ) {
    return { allowed: true, reason: 'on an EntityDescriptor of the EntitiesDescriptor' };
  }
  return {
    allowed: false,
    reason: isRootResponse
      ? 'a SAML Response is signed on the Response or on its one Assertion; verify-response refuses a signature anywhere else'
      : `a ${root.localName} is signed on its root element only`,
  };
}

function describeReference(
  reference: Element,
  parent: Element,
  root: Element,
  ids: ReadonlyMap<string, Element>,
  problems: string[],
): { covers: string; detail: string } {
  const uri = attr(reference, 'URI');
  const transformsElement = childElements(reference, NS.dsig, 'Transforms')[0];
  const transforms = transformsElement
    ? childElements(transformsElement, NS.dsig, 'Transform').map((t) => attr(t, 'Algorithm'))
    : [];
  const allowedTransforms =
    (transforms.length === 1 && transforms[0] === C14N_EXCLUSIVE) ||
    (transforms.length === 2 && transforms[0] === TRANSFORM_ENVELOPED && transforms[1] === C14N_EXCLUSIVE);
  if (!allowedTransforms) {
    problems.push('transforms other than [enveloped-signature,] exc-c14n: refused');
  }
  const detail = `reference: ${uri === null ? '(no URI)' : JSON.stringify(uri)}, transforms ${
    transforms.map(shortName).join(', ') || '(none)'
  } (${allowedTransforms ? 'accepted' : 'refused'})`;

  let target: Element | null = null;
  if (uri === '') target = root;
  else if (uri?.startsWith('#')) target = ids.get(uri.slice(1)) ?? null;
  if (!target) {
    problems.push(
      uri?.startsWith('#')
        ? `the Reference points at ${uri}, which no element of this document carries`
        : 'the Reference does not point at an element of this document by ID',
    );
    return { covers: `covers nothing in this document (Reference ${JSON.stringify(uri)})`, detail };
  }
  if (target !== parent) {
    problems.push(
      `the Reference points at ${label(target)}, not at the element holding the signature: ` +
        'Federa refuses this (it is what a signature-wrapping attack looks like)',
    );
  }
  const signatures = descendants(target, NS.dsig, 'Signature');
  const within = [...ids.values()].filter(
    (element) =>
      element !== target && contains(target, element) && !signatures.some((s) => contains(s, element)),
  );
  const including =
    within.length === 0
      ? ''
      : ` including ${within.map((e) => `${e.localName} ${attr(e, 'ID') ?? attr(e, 'Id') ?? attr(e, 'id')}`).join(', ')}`;
  const whole = target === root && uri === '' ? 'the whole document' : `the whole ${target.localName}`;
  const where = target === parent ? '' : ` (${label(target)}, elsewhere in the document)`;
  return { covers: `covers ${whole}${where}${including}`, detail };
}

function algorithms(signedInfo: Element): string {
  const method = (name: string) => {
    const element = childElements(signedInfo, NS.dsig, name)[0];
    return element ? attr(element, 'Algorithm') : null;
  };
  const signatureUri = method('SignatureMethod');
  const signature = SIGNATURE_ALGORITHMS[signatureUri as keyof typeof SIGNATURE_ALGORITHMS];
  const reference = childElements(signedInfo, NS.dsig, 'Reference')[0];
  const digestMethod = reference ? childElements(reference, NS.dsig, 'DigestMethod')[0] : undefined;
  const digestUri = digestMethod ? attr(digestMethod, 'Algorithm') : null;
  const digest = DIGEST_ALGORITHMS[digestUri as keyof typeof DIGEST_ALGORITHMS];
  const verdict = (found: { weak: boolean } | undefined) =>
    !found ? 'refused' : found.weak ? 'SHA-1: refused unless --allow-sha1' : 'accepted';
  const c14n = method('CanonicalizationMethod');
  return [
    `signature ${shortName(signatureUri)} (${verdict(signature)})`,
    `digest ${shortName(digestUri)} (${verdict(digest)})`,
    `canonicalization ${shortName(c14n)} (${c14n === C14N_EXCLUSIVE ? 'accepted' : 'refused'})`,
  ].join(', ');
}

function describeKeyInfo(keyInfo: Element): string {
  const data = childElements(keyInfo, NS.dsig, 'X509Data')[0];
  const certificate = data ? childElements(data, NS.dsig, 'X509Certificate')[0] : undefined;
  if (!certificate) return 'no certificate (keys come from the peer’s metadata anyway)';
  try {
    const parsed = parseCertificate(textOf(certificate));
    return (
      `certificate ${parsed.subject.replace(/\n/g, ', ')}, SHA-1 thumbprint ${parsed.thumbprint}, ` +
      `valid ${parsed.notBefore.toISOString()} to ${parsed.notAfter.toISOString()} ` +
      '(informational: Federa verifies with certificates from configured metadata, never with this one)'
    );
  } catch {
    return 'a certificate that does not parse as X.509';
  }
}
