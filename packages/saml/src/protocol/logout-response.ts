import { SamlError } from '../errors.ts';
import { appendElement, serialize } from '../xml/build.ts';
import { attr } from '../xml/dom.ts';
import { NS, STATUS } from '../xml/namespaces.ts';
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
import { readStatus, type Status } from './status.ts';

export type { Status };

/** SAML Core §3.7.2: the LogoutResponse (a StatusResponseType, §3.2.2). */

export interface BuildLogoutResponseOptions {
  id: string;
  /** The ID of the LogoutRequest answered. */
  inResponseTo: string;
  issueInstant: Date;
  issuer: string;
  /** The peer's single logout endpoint. */
  destination: string;
  /** Default: Success. */
  status?: { code?: string; subCode?: string | undefined; message?: string | undefined } | undefined;
  /** HTTP-POST only: an enveloped signature after Issuer. For HTTP-Redirect sign the query instead. */
  sign?: MessageSigning | undefined;
}

/**
 * Builds a LogoutResponse (Core §3.7.2) with a DOM, serialized in canonical form.
 *
 * @example
 * const xml = buildLogoutResponse({
 *   id: random.id(),
 *   inResponseTo: request.id,
 *   issueInstant: clock.now(),
 *   issuer: idpEntityId,
 *   destination: spSloUrl,
 * });
 */
export function buildLogoutResponse(options: BuildLogoutResponseOptions): string {
  const { root, issuer } = createMessage('LogoutResponse', options, { InResponseTo: options.inResponseTo });
  const status = appendElement(root, NS.protocol, 'samlp:Status');
  const code = appendElement(status, NS.protocol, 'samlp:StatusCode', {
    Value: options.status?.code ?? STATUS.success,
  });
  if (options.status?.subCode !== undefined) {
    appendElement(code, NS.protocol, 'samlp:StatusCode', { Value: options.status.subCode });
  }
  if (options.status?.message !== undefined) {
    appendElement(status, NS.protocol, 'samlp:StatusMessage', {}, options.status.message);
  }
  signMessage(root, issuer, options.sign);
  return serialize(root);
}

export interface LogoutResponse {
  id: string;
  inResponseTo: string;
  issueInstant: Date;
  issuer: string;
  destination: string | null;
  status: Status;
  /** Whether an enveloped signature was verified with one of the given keys. */
  signed: boolean;
}

export interface ParseLogoutResponseOptions extends MessageCheckOptions {
  /** The peer's entity ID: the Issuer must be exactly this (`ISSUER_MISMATCH`). */
  expectedIssuer: string;
  /** The ID of the LogoutRequest this party sent and still waits on (`IN_RESPONSE_TO_MISMATCH`). */
  expectedInResponseTo: string;
}

/**
 * Parses and checks a LogoutResponse (Core §3.7.2): structure (`XML_SCHEMA_INVALID`), Version 2.0,
 * the Issuer (`ISSUER_MISMATCH`), the enveloped signature when keys are given, Destination,
 * InResponseTo against the pending request (`IN_RESPONSE_TO_MISMATCH`), IssueInstant (`EXPIRED` when
 * too old, `NOT_YET_VALID` from the future, with the clock skew) and, last, the status: anything
 * but Success is `RESPONSE_STATUS_NOT_SUCCESS`, with the status codes in the error's detail.
 *
 * @example
 * const response = parseLogoutResponse(decoded.xml, {
 *   clock,
 *   expectedIssuer: idp.entityId,
 *   expectedInResponseTo: pending.requestId,
 *   expectedDestination: sloUrl,
 * });
 */
export function parseLogoutResponse(xml: string, options: ParseLogoutResponseOptions): LogoutResponse {
  const root = parseMessage(xml, 'LogoutResponse', options.limits);
  const header = readHeader(root, 'XML_SCHEMA_INVALID');
  const status = readStatus(root);
  const inResponseTo = attr(root, 'InResponseTo');

  checkIssuer(header.issuer, options.expectedIssuer);
  const signed = checkSignature(root, options);
  checkDestination(header.destination, options.expectedDestination, signed);
  if (inResponseTo !== options.expectedInResponseTo) {
    throw new SamlError(
      'IN_RESPONSE_TO_MISMATCH',
      'The LogoutResponse answers another request than the one sent.',
      {
        inResponseTo,
        expected: options.expectedInResponseTo,
      },
    );
  }
  checkIssueInstant(header.issueInstant, options.clock.now(), {
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
    skewSeconds: options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS,
    expired: 'EXPIRED',
    early: 'NOT_YET_VALID',
  });
  if (status.code !== STATUS.success) {
    throw new SamlError('RESPONSE_STATUS_NOT_SUCCESS', 'The peer did not complete the logout.', {
      statusCode: status.code,
      subStatusCode: status.subCode,
    });
  }

  return {
    id: header.id,
    inResponseTo,
    issueInstant: header.issueInstant,
    issuer: header.issuer,
    destination: header.destination,
    status,
    signed,
  };
}
