import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { skewMs } from '../assertion/time-window.ts';
import { type Clock, parseSamlInstant, toSamlInstant } from '../clock.ts';
import { SamlError, type SamlErrorCode } from '../errors.ts';
import type { SigningCredential } from '../keys.ts';
import { appendElement, createDocument } from '../xml/build.ts';
import { attr, optionalChild, textOf } from '../xml/dom.ts';
import { NAMEID_FORMAT, NS } from '../xml/namespaces.ts';
import { DEFAULT_LIMITS, parseXml, type XmlLimits } from '../xml/parse.ts';
import type { SignatureAlgorithmName } from '../xmldsig/algorithms.ts';
import { signElement } from '../xmldsig/sign.ts';
import { findSignature, verifyEnvelopedSignature } from '../xmldsig/verify.ts';

/**
 * What every SAML protocol message shares (SAML Core §3.2.1 RequestAbstractType and §3.2.2
 * StatusResponseType): the ID / Version / IssueInstant / Destination header, the Issuer, the optional
 * enveloped signature right after it, and the time checks.
 */

export { CLOCK_SKEW_SECONDS } from '../assertion/time-window.ts';

/** How to sign a message sent by HTTP-POST: an enveloped signature right after Issuer (Core §5.4.1). */
export interface MessageSigning {
  credential: SigningCredential;
  algorithm?: SignatureAlgorithmName;
}

/** Checking the enveloped signature of a received message. */
export interface SignatureCheckOptions {
  /** The peer's keys, pinned from its metadata. When given, a signature present must verify. */
  keys?: readonly KeyObject[] | undefined;
  /** Refuse the message unless it carries an enveloped signature that verifies (`SIGNATURE_MISSING`). */
  requireSignature?: boolean | undefined;
  allowSha1?: boolean | undefined;
}

/** What parsing any received protocol message needs beyond its signature: time, endpoint, limits. */
export interface MessageCheckOptions extends SignatureCheckOptions {
  clock: Clock;
  /** This party's endpoint: a Destination present must equal it; a signed message must have one. */
  expectedDestination?: string | undefined;
  /** How old IssueInstant may be, on top of the clock skew. Default 300 seconds. */
  maxAgeSeconds?: number;
  /** Default 180 seconds (DESIGN.md baseline 7). */
  clockSkewSeconds?: number;
  limits?: XmlLimits;
}

export interface MessageHeader {
  id: string;
  issueInstant: Date;
  destination: string | null;
  issuer: string;
}

/** Starts a protocol message: the root with its header attributes, and its Issuer. */
export function createMessage(
  localName: string,
  header: { id: string; issueInstant: Date; destination?: string | undefined; issuer: string },
  attributes: Record<string, string | undefined | null> = {},
): { root: Element; issuer: Element } {
  const { root } = createDocument(NS.protocol, `samlp:${localName}`);
  const all: Record<string, string | undefined | null> = {
    ID: header.id,
    Version: '2.0',
    IssueInstant: toSamlInstant(header.issueInstant),
    Destination: header.destination,
    ...attributes,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined && value !== null) root.setAttribute(name, value);
  }
  const issuer = appendElement(root, NS.assertion, 'saml:Issuer', {}, header.issuer);
  return { root, issuer };
}

/** Signs a finished message (every child appended) with the signature right after Issuer. */
export function signMessage(root: Element, issuer: Element, signing: MessageSigning | undefined): void {
  if (signing)
    signElement(root, { credential: signing.credential, algorithm: signing.algorithm, after: issuer });
}

/** Parses `xml` with the strict parser and checks the root is {protocol}`localName`. */
export function parseMessage(xml: string, localName: string, limits: XmlLimits = DEFAULT_LIMITS): Element {
  const { root } = parseXml(xml, limits);
  if (root.namespaceURI !== NS.protocol || root.localName !== localName) {
    throw new SamlError('XML_UNEXPECTED_ROOT', `Expected a SAML ${localName}.`, {
      root: root.localName ?? '',
    });
  }
  return root;
}

/**
 * Reads the header of a received message; `code` for structural faults, `VERSION_UNSUPPORTED` when
 * Version is not 2.0 (Core §3.2.1), and an Issuer that is absent or not an entity name (Profiles
 * §4.1.4.1, §4.4.4.1: Format omitted or `…:nameid-format:entity`).
 */
export function readHeader(root: Element, code: SamlErrorCode): MessageHeader {
  const id = attr(root, 'ID');
  if (!id) throw new SamlError(code, `The ${root.localName} has no ID.`);
  const version = attr(root, 'Version');
  if (version === null) throw new SamlError(code, `The ${root.localName} has no Version.`);
  if (version !== '2.0') {
    throw new SamlError('VERSION_UNSUPPORTED', `The ${root.localName} is SAML version ${version}, not 2.0.`, {
      version,
    });
  }
  const instantText = attr(root, 'IssueInstant');
  const issueInstant = instantText === null ? null : parseSamlInstant(instantText);
  if (!issueInstant) throw new SamlError(code, `The ${root.localName} has no valid IssueInstant.`);
  const issuerElement = optionalChild(root, NS.assertion, 'Issuer', code);
  const issuer = issuerElement ? textOf(issuerElement).trim() : '';
  if (!issuerElement || issuer === '') throw new SamlError(code, `The ${root.localName} has no Issuer.`);
  const format = attr(issuerElement, 'Format');
  if (format !== null && format !== NAMEID_FORMAT.entity) {
    throw new SamlError(code, `The ${root.localName} Issuer is not an entity name.`, { format });
  }
  return { id, issueInstant, destination: attr(root, 'Destination'), issuer };
}

/**
 * Verifies the enveloped signature of a message when keys are given (Core §5.4), and applies
 * `requireSignature`. Returns whether a signature was verified.
 */
export function checkSignature(root: Element, options: SignatureCheckOptions): boolean {
  const keys = options.keys ?? [];
  if (options.requireSignature && keys.length === 0) {
    throw new SamlError(
      'SIGNATURE_KEY_UNTRUSTED',
      'A signature is required but no signing certificate is configured.',
    );
  }
  const signature = findSignature(root);
  if (!signature) {
    if (options.requireSignature)
      throw new SamlError('SIGNATURE_MISSING', `The ${root.localName} is not signed.`);
    return false;
  }
  if (keys.length === 0) return false;
  verifyEnvelopedSignature(root, { keys, allowSha1: options.allowSha1 ?? false });
  return true;
}

/** An xs:boolean attribute (XML Schema §3.2.2: true, false, 1, 0), `null` when absent. */
export function booleanAttr(element: Element, name: string, code: SamlErrorCode): boolean | null {
  const value = attr(element, name);
  if (value === null) return null;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new SamlError(code, `The ${name} attribute is not a boolean.`, { attribute: name });
}

/**
 * IssueInstant neither older than `maxAgeSeconds` nor later than now, each with `skewSeconds` of
 * tolerance. `expired` for a message too old, `early` for one from the future.
 */
export function checkIssueInstant(
  issueInstant: Date,
  now: Date,
  limits: { maxAgeSeconds: number; skewSeconds: number; expired: SamlErrorCode; early: SamlErrorCode },
): void {
  const ageMs = now.getTime() - issueInstant.getTime();
  const skew = skewMs(limits.skewSeconds);
  if (ageMs > limits.maxAgeSeconds * 1000 + skew) {
    throw new SamlError(limits.expired, 'The message was issued too long ago.', {
      issueInstant: issueInstant.toISOString(),
      now: now.toISOString(),
    });
  }
  if (-ageMs > skew) {
    throw new SamlError(
      limits.early,
      'The message was issued in the future: check the clocks of both parties.',
      {
        issueInstant: issueInstant.toISOString(),
        now: now.toISOString(),
      },
    );
  }
}

/**
 * Bindings §3.4.5.2 / §3.5.5.2: a Destination present must be the endpoint the message arrived at;
 * a signed message must carry one.
 */
export function checkDestination(
  destination: string | null,
  expected: string | undefined,
  signed: boolean,
): void {
  if (expected === undefined) return;
  if (destination === null ? signed : destination !== expected) {
    throw new SamlError('DESTINATION_MISMATCH', 'The message was addressed to another endpoint.', {
      destination,
      expected,
    });
  }
}

/** Issuer exact (baseline 7). */
export function checkIssuer(issuer: string, expected: string): void {
  if (issuer !== expected) {
    throw new SamlError('ISSUER_MISMATCH', 'The message comes from another issuer than the one configured.', {
      issuer,
      expected,
    });
  }
}

/**
 * The Issuer of a protocol message, read WITHOUT any verification: only to find which peer's
 * configuration (keys, endpoints) to validate the message with. `null` when there is none.
 *
 * @example
 * const sp = await findServiceProvider(peekIssuer(xml));
 * const request = parseAuthnRequest(xml, { clock, keys: sp.keys });
 */
export function peekIssuer(xml: string, limits: XmlLimits = DEFAULT_LIMITS): string | null {
  const { root } = parseXml(xml, limits);
  if (root.namespaceURI !== NS.protocol) return null;
  const issuer = optionalChild(root, NS.assertion, 'Issuer');
  const value = issuer ? textOf(issuer).trim() : '';
  return value === '' ? null : value;
}
