import { parseSamlInstant, toSamlInstant } from '../clock.ts';
import { SamlError } from '../errors.ts';
import { appendElement, serialize } from '../xml/build.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import {
  CLOCK_SKEW_SECONDS,
  checkDestination,
  checkIssueInstant,
  checkIssuer,
  checkSignature,
  createMessage,
  type MessageCheckOptions,
  type MessageSigning,
  parseMessage,
  readHeader,
  signMessage,
} from './common.ts';

/** SAML Core §3.7.1: the LogoutRequest. */

export interface LogoutNameId {
  value: string;
  format: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
}

export interface BuildLogoutRequestOptions {
  id: string;
  issueInstant: Date;
  issuer: string;
  /** The peer's single logout endpoint. */
  destination: string;
  /** The principal, exactly as the assertion named it (value, Format and qualifiers). */
  nameId: {
    value: string;
    format?: string | null | undefined;
    nameQualifier?: string | null | undefined;
    spNameQualifier?: string | null | undefined;
  };
  /** The SessionIndex values of the sessions to end (Core §3.7.1); none means all of the principal's. */
  sessionIndexes?: readonly string[] | undefined;
  notOnOrAfter?: Date | undefined;
  /** e.g. `urn:oasis:names:tc:SAML:2.0:logout:user` (Core §3.7.3). */
  reason?: string | undefined;
  /** HTTP-POST only: an enveloped signature after Issuer. For HTTP-Redirect sign the query instead. */
  sign?: MessageSigning | undefined;
}

/**
 * Builds a LogoutRequest (Core §3.7.1) with a DOM, serialized in canonical form.
 *
 * @example
 * const xml = buildLogoutRequest({
 *   id: random.id(),
 *   issueInstant: clock.now(),
 *   issuer: spEntityId,
 *   destination: idpSloUrl,
 *   nameId: { value: session.nameId, format: session.nameIdFormat },
 *   sessionIndexes: [session.sessionIndex],
 * });
 */
export function buildLogoutRequest(options: BuildLogoutRequestOptions): string {
  const { root, issuer } = createMessage('LogoutRequest', options, {
    NotOnOrAfter: options.notOnOrAfter && toSamlInstant(options.notOnOrAfter),
    Reason: options.reason,
  });
  const { value, format, nameQualifier, spNameQualifier } = options.nameId;
  appendElement(
    root,
    NS.assertion,
    'saml:NameID',
    { NameQualifier: nameQualifier, SPNameQualifier: spNameQualifier, Format: format },
    value,
  );
  for (const sessionIndex of options.sessionIndexes ?? []) {
    appendElement(root, NS.protocol, 'samlp:SessionIndex', {}, sessionIndex);
  }
  signMessage(root, issuer, options.sign);
  return serialize(root);
}

export interface LogoutRequest {
  id: string;
  issueInstant: Date;
  issuer: string;
  destination: string | null;
  notOnOrAfter: Date | null;
  reason: string | null;
  nameId: LogoutNameId;
  sessionIndexes: string[];
  /** Whether an enveloped signature was verified with one of the given keys. */
  signed: boolean;
}

export interface ParseLogoutRequestOptions extends MessageCheckOptions {
  /** The peer's entity ID: the Issuer must be exactly this (`ISSUER_MISMATCH`). */
  expectedIssuer: string;
}

/**
 * Parses and checks a LogoutRequest (Core §3.7.1): structure (`REQUEST_INVALID`), Version 2.0, the
 * Issuer (`ISSUER_MISMATCH`), the enveloped signature when keys are given, Destination, and the time
 * windows (`REQUEST_EXPIRED`: IssueInstant too old or in the future, NotOnOrAfter passed, each with
 * the clock skew). An EncryptedID is not supported (`REQUEST_INVALID`).
 *
 * @example
 * const request = parseLogoutRequest(decoded.xml, {
 *   clock,
 *   expectedIssuer: idp.entityId,
 *   expectedDestination: sloUrl,
 * });
 * await endSessions(request.nameId, request.sessionIndexes);
 */
export function parseLogoutRequest(xml: string, options: ParseLogoutRequestOptions): LogoutRequest {
  const root = parseMessage(xml, 'LogoutRequest', options.limits);
  const header = readHeader(root, 'REQUEST_INVALID');
  const notOnOrAfterText = attr(root, 'NotOnOrAfter');
  const notOnOrAfter = notOnOrAfterText === null ? null : parseSamlInstant(notOnOrAfterText);
  if (notOnOrAfterText !== null && !notOnOrAfter) {
    throw new SamlError('REQUEST_INVALID', 'The LogoutRequest has an invalid NotOnOrAfter.');
  }
  if (optionalChild(root, NS.assertion, 'EncryptedID', 'REQUEST_INVALID')) {
    throw new SamlError('REQUEST_INVALID', 'An encrypted NameID in a LogoutRequest is not supported.');
  }
  const nameIdElement = optionalChild(root, NS.assertion, 'NameID', 'REQUEST_INVALID');
  const value = nameIdElement ? textOf(nameIdElement).trim() : '';
  if (!nameIdElement || value === '')
    throw new SamlError('REQUEST_INVALID', 'The LogoutRequest names no NameID.');
  const nameId: LogoutNameId = {
    value,
    format: attr(nameIdElement, 'Format'),
    nameQualifier: attr(nameIdElement, 'NameQualifier'),
    spNameQualifier: attr(nameIdElement, 'SPNameQualifier'),
  };
  const sessionIndexes = childElements(root, NS.protocol, 'SessionIndex').map((e) => textOf(e).trim());

  checkIssuer(header.issuer, options.expectedIssuer);
  const signed = checkSignature(root, options);
  checkDestination(header.destination, options.expectedDestination, signed);
  const now = options.clock.now();
  const skewSeconds = options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  checkIssueInstant(header.issueInstant, now, {
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
    skewSeconds,
    expired: 'REQUEST_EXPIRED',
    early: 'REQUEST_EXPIRED',
  });
  // Core §3.7.1: the request expires at NotOnOrAfter.
  if (notOnOrAfter && now.getTime() >= notOnOrAfter.getTime() + skewSeconds * 1000) {
    throw new SamlError('REQUEST_EXPIRED', 'The LogoutRequest is past its NotOnOrAfter.', {
      notOnOrAfter: notOnOrAfter.toISOString(),
      now: now.toISOString(),
    });
  }

  return {
    id: header.id,
    issueInstant: header.issueInstant,
    issuer: header.issuer,
    destination: header.destination,
    notOnOrAfter,
    reason: attr(root, 'Reason'),
    nameId,
    sessionIndexes,
    signed,
  };
}
