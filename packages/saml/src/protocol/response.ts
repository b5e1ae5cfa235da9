import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { checkConditions } from '../assertion/conditions.ts';
import { readAttributes, readAuthnStatement } from '../assertion/statements.ts';
import { checkBearerConfirmation, readNameId } from '../assertion/subject.ts';
import { skewMs as allowedSkewMs } from '../assertion/time-window.ts';
import type { Clock } from '../clock.ts';
import { SamlError } from '../errors.ts';
import type { Certificate } from '../keys.ts';
import { serialize } from '../xml/build.ts';
import { attr, childElements, descendants, optionalChild, textOf } from '../xml/dom.ts';
import { NS, STATUS } from '../xml/namespaces.ts';
import { DEFAULT_LIMITS, parseXml, type XmlLimits } from '../xml/parse.ts';
import { findSignature, verifyEnvelopedSignature } from '../xmldsig/verify.ts';
import { decryptElement } from '../xmlenc/decrypt.ts';
import { readStatus } from './status.ts';

export interface ValidateResponseOptions {
  /** The IdP as configured (from its metadata): entity ID and every signing certificate listed. */
  idp: { entityId: string; signingCertificates: readonly Certificate[] };
  /** This SP: its entity ID, this ACS URL, and private keys for encrypted assertions. */
  sp: { entityId: string; acsUrl: string; decryptionKeys?: readonly KeyObject[] };
  clock: Clock;
  /** IDs of the AuthnRequests pending in this browser session. */
  pendingRequestIds?: readonly string[];
  /** Accept IdP-initiated responses (no InResponseTo). */
  allowUnsolicited?: boolean;
  /** Require the Assertion itself to be signed (python3-saml's wantAssertionsSigned). */
  requireSignedAssertion?: boolean;
  allowSha1?: boolean;
  /** Clock skew tolerated, at most (and by default) 180 seconds. */
  clockSkewSeconds?: number;
  limits?: XmlLimits;
}

export interface ValidatedAssertion {
  issuer: string;
  nameId: string;
  nameIdFormat: string;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  attributes: Record<string, string[]>;
  responseId: string;
  assertionId: string;
  sessionIndex: string | null;
  authnInstant: Date | null;
  authnContextClassRef: string | null;
  sessionNotOnOrAfter: Date | null;
  inResponseTo: string | null;
  /** Until when the assertion could be presented: how long its ID must stay in a replay cache. */
  notOnOrAfter: Date;
  signed: { response: boolean; assertion: boolean };
  encrypted: boolean;
}

/**
 * Validates a SAML Response posted to an ACS (SAML Profiles §4.1.4.3) with every check of DESIGN.md's
 * security baseline, as a pipeline of named steps; returns what the signature covers or throws a
 * SamlError whose code names the failed check. Replay (assertion IDs consumed once) is the caller's
 * job, since the cache must be shared by every instance: use `assertionId` and `notOnOrAfter`.
 *
 * @example
 * const result = await validateResponse(xml, { idp, sp: { entityId, acsUrl }, clock: systemClock,
 *   pendingRequestIds: session.pending });
 * result.nameId; // 'B.Simon@contoso.com'
 */
export async function validateResponse(
  xml: string,
  options: ValidateResponseOptions,
): Promise<ValidatedAssertion> {
  const now = options.clock.now();
  const skewMs = allowedSkewMs(options.clockSkewSeconds);
  const keys = options.idp.signingCertificates.map((c) => c.publicKey);
  const verifyOptions = { keys, certificates: options.idp.signingCertificates, allowSha1: options.allowSha1 };

  const { root: response } = parseXml(xml, options.limits ?? DEFAULT_LIMITS);
  checkRoot(response);
  checkStatus(response);
  checkSignaturePlacement(response);
  const child = checkSingleAssertion(response);
  checkResponseChildren(response);

  const responseSigned = findSignature(response) !== null;
  if (responseSigned) verifyEnvelopedSignature(response, verifyOptions);
  const encrypted = child.localName === 'EncryptedAssertion';
  const assertion = encrypted
    ? await decryptAssertion(child, response, options.sp.decryptionKeys ?? [])
    : child;
  const assertionSigned = findSignature(assertion) !== null;
  if (assertionSigned) verifyEnvelopedSignature(assertion, verifyOptions);
  checkSigned(responseSigned, assertionSigned, options.requireSignedAssertion ?? false);

  // From here on, everything is read from `assertion` (signed itself, or a child of the signed root).
  const issuer = checkIssuer(response, assertion, options.idp.entityId);
  checkDestination(response, options.sp.acsUrl, responseSigned);
  const confirmation = checkBearerConfirmation(assertion, options.sp.acsUrl, now, skewMs);
  const inResponseTo = checkInResponseTo(response, responseSigned, confirmation.inResponseTo, options);
  const conditionsEnd = checkConditions(assertion, options.sp.entityId, now, skewMs);
  const nameId = readNameId(assertion);
  const authn = readAuthnStatement(assertion);

  return {
    issuer,
    nameId: nameId.value,
    nameIdFormat: nameId.format,
    nameQualifier: nameId.nameQualifier,
    spNameQualifier: nameId.spNameQualifier,
    attributes: readAttributes(assertion),
    responseId: attr(response, 'ID') ?? '',
    assertionId: attr(assertion, 'ID') ?? '',
    sessionIndex: authn.sessionIndex,
    authnInstant: authn.authnInstant,
    authnContextClassRef: authn.authnContextClassRef,
    sessionNotOnOrAfter: authn.sessionNotOnOrAfter,
    inResponseTo,
    notOnOrAfter: laterOf(confirmation.notOnOrAfter, conditionsEnd),
    signed: { response: responseSigned, assertion: assertionSigned },
    encrypted,
  };
}

function checkRoot(response: Element): void {
  if (response.namespaceURI !== NS.protocol || response.localName !== 'Response') {
    throw new SamlError('XML_UNEXPECTED_ROOT', 'The message is not a SAML Response.');
  }
  if (attr(response, 'Version') !== '2.0') {
    throw new SamlError('VERSION_UNSUPPORTED', 'The response is not SAML 2.0.');
  }
  if (!attr(response, 'ID')) throw new SamlError('XML_SCHEMA_INVALID', 'The response has no ID.');
}

/** SAML Core §3.2.2.2: anything but a top-level Success means no assertion is to be used. */
function checkStatus(response: Element): void {
  const status = readStatus(response, 'RESPONSE_STATUS_NOT_SUCCESS');
  if (status.code === STATUS.success) return;
  const codes = [status.code, status.subCode].filter(Boolean).join(' / ');
  throw new SamlError(
    'RESPONSE_STATUS_NOT_SUCCESS',
    `The IdP did not sign the user in (status ${codes}${status.message ? `: ${status.message.slice(0, 200)}` : ''}).`,
    { status: codes },
  );
}

/**
 * SAML Core §3.2.2 and §3.3.3: a Response holds Issuer, Signature, Extensions, Status and assertions,
 * nothing else. Anything more (an Assertion of another namespace that a careless reader would take by
 * its local name) is refused rather than ignored.
 */
const RESPONSE_CHILDREN = new Set([
  `${NS.assertion} Issuer`,
  `${NS.dsig} Signature`,
  `${NS.protocol} Extensions`,
  `${NS.protocol} Status`,
  `${NS.assertion} Assertion`,
  `${NS.assertion} EncryptedAssertion`,
]);

function checkResponseChildren(response: Element): void {
  for (const child of childElements(response)) {
    if (!RESPONSE_CHILDREN.has(`${child.namespaceURI} ${child.localName}`)) {
      throw new SamlError(
        'XML_SCHEMA_INVALID',
        'The response carries an element SAML does not allow in a Response.',
        {
          element: child.localName,
        },
      );
    }
  }
}

/** Baseline 3: a signature may only sit on the root Response or on the Assertion that is its direct child. */
function checkSignaturePlacement(response: Element): void {
  for (const signature of descendants(response, NS.dsig, 'Signature')) {
    const parent = signature.parentNode as Element;
    const allowed =
      parent === response ||
      (parent.namespaceURI === NS.assertion &&
        parent.localName === 'Assertion' &&
        parent.parentNode === response);
    if (!allowed) {
      throw new SamlError(
        'SIGNATURE_PLACEMENT_INVALID',
        'The response carries a signature in a place no IdP puts one.',
      );
    }
  }
}

/** Baseline 4: exactly one Assertion or EncryptedAssertion, a direct child, and no other Assertion anywhere. */
function checkSingleAssertion(response: Element): Element {
  const direct = childElements(response, NS.assertion).filter(
    (e) => e.localName === 'Assertion' || e.localName === 'EncryptedAssertion',
  );
  const anywhere =
    descendants(response, NS.assertion, 'Assertion').length +
    descendants(response, NS.assertion, 'EncryptedAssertion').length;
  if (direct.length === 0 && anywhere === 0) {
    throw new SamlError('ASSERTION_MISSING', 'The response has no assertion.');
  }
  if (direct.length !== 1 || anywhere !== 1) {
    throw new SamlError(
      'ASSERTION_MULTIPLE',
      'The response must carry exactly one assertion, directly under Response.',
    );
  }
  return direct[0]!;
}

async function decryptAssertion(
  wrapper: Element,
  response: Element,
  keys: readonly KeyObject[],
): Promise<Element> {
  const data = childElements(wrapper, NS.xenc, 'EncryptedData');
  if (data.length !== 1)
    throw new SamlError('DECRYPTION_FAILED', 'The EncryptedAssertion must hold one EncryptedData.');
  const plaintext = await decryptElement(serialize(data[0]!), keys);
  // The same strict parser for the plaintext (baseline 1); the result stands in for the wrapper.
  const { root, ids } = parseXml(plaintext);
  if (root.namespaceURI !== NS.assertion || root.localName !== 'Assertion') {
    throw new SamlError('XML_UNEXPECTED_ROOT', 'The encrypted content is not an Assertion.');
  }
  // Baseline 4 holds inside the plaintext too: no second Assertion hidden in it (Advice or elsewhere).
  if (
    descendants(root, NS.assertion, 'Assertion').length !== 1 ||
    descendants(root, NS.assertion, 'EncryptedAssertion').length !== 0
  ) {
    throw new SamlError('ASSERTION_MULTIPLE', 'The decrypted assertion carries another assertion inside it.');
  }
  if (ids.has(attr(response, 'ID') ?? '')) {
    throw new SamlError('XML_DUPLICATE_ID', 'The decrypted assertion reuses the response ID.');
  }
  for (const signature of descendants(root, NS.dsig, 'Signature')) {
    if (signature.parentNode !== root) {
      throw new SamlError(
        'SIGNATURE_PLACEMENT_INVALID',
        'The decrypted assertion carries a misplaced signature.',
      );
    }
  }
  return root;
}

function checkSigned(
  responseSigned: boolean,
  assertionSigned: boolean,
  requireSignedAssertion: boolean,
): void {
  if (!responseSigned && !assertionSigned) {
    throw new SamlError('SIGNATURE_MISSING', 'Neither the response nor the assertion is signed.');
  }
  if (requireSignedAssertion && !assertionSigned) {
    throw new SamlError(
      'SIGNATURE_MISSING',
      'The assertion is not signed, and this SP requires signed assertions. Set the IdP to sign the assertion.',
    );
  }
}

/** Baseline 7: Issuer exact on the Assertion (required) and on the Response (when present). */
function checkIssuer(response: Element, assertion: Element, expected: string): string {
  const assertionIssuer = optionalChild(assertion, NS.assertion, 'Issuer');
  const responseIssuer = optionalChild(response, NS.assertion, 'Issuer');
  for (const [element, where] of [
    [assertionIssuer, 'assertion'],
    [responseIssuer, 'response'],
  ] as const) {
    if (!element && where === 'response') continue;
    const value = element ? textOf(element).trim() : '';
    if (value !== expected) {
      throw new SamlError(
        'ISSUER_MISMATCH',
        `The ${where} Issuer was ${value || '(absent)'}, but the configured IdP entity ID is ${expected}. Re-import the IdP metadata or fix the IdP identifier.`,
        { issuer: value, expected },
      );
    }
  }
  return expected;
}

/** SAML Bindings §3.5.5.2: Destination must be this ACS; a signed response must carry it. */
function checkDestination(response: Element, acsUrl: string, responseSigned: boolean): void {
  const destination = attr(response, 'Destination');
  if (destination === null && !responseSigned) return;
  if (destination !== acsUrl) {
    throw new SamlError(
      'DESTINATION_MISMATCH',
      `The Destination was ${destination ?? '(absent)'}; set the Reply URL in your IdP to ${acsUrl}.`,
      { destination: destination ?? '', expected: acsUrl },
    );
  }
}

/**
 * Baseline 8: a solicited response answers a request pending in this browser session; an unsolicited
 * one (no InResponseTo anywhere) only where allowed. The Response's InResponseTo, when present, must
 * agree with the signed one in SubjectConfirmationData.
 */
function checkInResponseTo(
  response: Element,
  responseSigned: boolean,
  confirmed: string | null,
  options: Pick<ValidateResponseOptions, 'pendingRequestIds' | 'allowUnsolicited'>,
): string | null {
  const outer = attr(response, 'InResponseTo');
  if (outer !== null && confirmed !== null && outer !== confirmed) {
    throw new SamlError(
      'IN_RESPONSE_TO_MISMATCH',
      'The response and its assertion answer different requests.',
    );
  }
  // Only signed data may make a response solicited: an unsigned envelope's InResponseTo would let
  // anyone holding an IdP-initiated assertion present it as the answer to their own pending request
  // where unsolicited responses are refused (Profiles §4.1.4.2 puts it in SubjectConfirmationData).
  const inResponseTo = confirmed ?? (responseSigned ? outer : null);
  const pending = options.pendingRequestIds ?? [];
  if (inResponseTo === null) {
    if (options.allowUnsolicited) return null;
    throw new SamlError(
      'UNSOLICITED_NOT_ALLOWED',
      'The IdP sent a response nobody asked for (IdP-initiated sign-in), which this organization does not allow.',
    );
  }
  if (pending.includes(inResponseTo)) return inResponseTo;
  if (pending.length === 0) {
    throw new SamlError(
      'IN_RESPONSE_TO_UNEXPECTED',
      'The response answers a sign-in request this browser session did not start (or one that already finished). Start the sign-in again from this browser.',
    );
  }
  throw new SamlError(
    'IN_RESPONSE_TO_MISMATCH',
    'The response answers a different sign-in request than the one pending in this browser session.',
  );
}

function laterOf(a: Date, b: Date | null): Date {
  return b && b.getTime() > a.getTime() ? b : a;
}
