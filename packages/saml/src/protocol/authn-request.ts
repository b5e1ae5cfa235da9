import type { Element } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';
import { appendElement, serialize } from '../xml/build.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import {
  booleanAttr,
  CLOCK_SKEW_SECONDS,
  checkDestination,
  checkIssueInstant,
  checkSignature,
  createMessage,
  type MessageCheckOptions,
  type MessageSigning,
  parseMessage,
  readHeader,
  signMessage,
} from './common.ts';

/** SAML Core §3.4.1: the AuthnRequest. */

export type AuthnContextComparison = 'exact' | 'minimum' | 'maximum' | 'better';
const COMPARISONS: readonly string[] = ['exact', 'minimum', 'maximum', 'better'];

export interface NameIdPolicy {
  format: string | null;
  allowCreate: boolean | null;
  spNameQualifier: string | null;
}

export interface RequestedAuthnContext {
  comparison: AuthnContextComparison;
  classRefs: string[];
  declRefs: string[];
}

export interface BuildAuthnRequestOptions {
  id: string;
  issueInstant: Date;
  /** The SP's entity ID. */
  issuer: string;
  /** The IdP's SSO endpoint the request is sent to. */
  destination: string;
  /** Core §3.4.1: mutually exclusive with `assertionConsumerServiceIndex`. */
  assertionConsumerServiceUrl?: string | undefined;
  assertionConsumerServiceIndex?: number | undefined;
  protocolBinding?: string | undefined;
  nameIdPolicy?: { format?: string | undefined; allowCreate?: boolean | undefined } | undefined;
  forceAuthn?: boolean | undefined;
  isPassive?: boolean | undefined;
  requestedAuthnContext?: { comparison?: AuthnContextComparison; classRefs: readonly string[] } | undefined;
  providerName?: string | undefined;
  /** HTTP-POST only: an enveloped signature after Issuer. For HTTP-Redirect sign the query instead. */
  sign?: MessageSigning | undefined;
}

/**
 * Builds an AuthnRequest (Core §3.4.1) with a DOM, serialized in canonical form.
 *
 * @example
 * const xml = buildAuthnRequest({
 *   id: random.id(),
 *   issueInstant: clock.now(),
 *   issuer: 'http://localhost:5000/saml/metadata/acme/',
 *   destination: 'http://127.0.0.1:4000/contoso.com/saml2',
 *   assertionConsumerServiceUrl: 'http://localhost:5000/saml/acs/acme/',
 *   protocolBinding: BINDING.post,
 * });
 */
export function buildAuthnRequest(options: BuildAuthnRequestOptions): string {
  const index = options.assertionConsumerServiceIndex;
  if (options.assertionConsumerServiceUrl !== undefined && index !== undefined) {
    throw new SamlError(
      'REQUEST_INVALID',
      'AssertionConsumerServiceURL and AssertionConsumerServiceIndex exclude each other.',
    );
  }
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index > 65535)) {
    throw new SamlError('REQUEST_INVALID', 'AssertionConsumerServiceIndex must be an unsigned short.');
  }
  const { root, issuer } = createMessage('AuthnRequest', options, {
    AssertionConsumerServiceURL: options.assertionConsumerServiceUrl,
    AssertionConsumerServiceIndex: index === undefined ? undefined : String(index),
    ProtocolBinding: options.protocolBinding,
    ForceAuthn: options.forceAuthn === undefined ? undefined : String(options.forceAuthn),
    IsPassive: options.isPassive === undefined ? undefined : String(options.isPassive),
    ProviderName: options.providerName,
  });
  // Schema order after Issuer (and Signature): Subject, NameIDPolicy, Conditions, RequestedAuthnContext, Scoping.
  if (options.nameIdPolicy) {
    const { format, allowCreate } = options.nameIdPolicy;
    appendElement(root, NS.protocol, 'samlp:NameIDPolicy', {
      Format: format,
      AllowCreate: allowCreate === undefined ? undefined : String(allowCreate),
    });
  }
  if (options.requestedAuthnContext) {
    const context = appendElement(root, NS.protocol, 'samlp:RequestedAuthnContext', {
      Comparison: options.requestedAuthnContext.comparison ?? 'exact',
    });
    for (const classRef of options.requestedAuthnContext.classRefs) {
      appendElement(context, NS.assertion, 'saml:AuthnContextClassRef', {}, classRef);
    }
  }
  signMessage(root, issuer, options.sign);
  return serialize(root);
}

export interface AuthnRequest {
  id: string;
  issueInstant: Date;
  /** The SP's entity ID: the application decides whether it knows this SP. */
  issuer: string;
  destination: string | null;
  /** Where the SP asks for the response; the application must check it is a registered Reply URL. */
  assertionConsumerServiceUrl: string | null;
  assertionConsumerServiceIndex: number | null;
  protocolBinding: string | null;
  nameIdPolicy: NameIdPolicy | null;
  forceAuthn: boolean;
  isPassive: boolean;
  requestedAuthnContext: RequestedAuthnContext | null;
  providerName: string | null;
  /** Whether an enveloped signature was verified with one of the given keys. */
  signed: boolean;
}

export type ParseAuthnRequestOptions = MessageCheckOptions;

/**
 * Parses and checks an AuthnRequest (Core §3.4.1): structure (`REQUEST_INVALID`), Version 2.0
 * (`VERSION_UNSUPPORTED`), the enveloped signature when keys are given (see `SignatureCheckOptions`),
 * IssueInstant not older than `maxAgeSeconds` nor in the future beyond the skew (`REQUEST_EXPIRED`),
 * and Destination when `expectedDestination` is given. Whether the issuer is a known SP and the ACS
 * one of its Reply URLs is for the application to decide from the result.
 *
 * @example
 * const decoded = decodeRedirect(rawQuery(request.url));
 * verifyRedirectSignature(decoded, { keys: sp.keys });
 * const authnRequest = parseAuthnRequest(decoded.xml, { clock });
 */
export function parseAuthnRequest(xml: string, options: ParseAuthnRequestOptions): AuthnRequest {
  const root = parseMessage(xml, 'AuthnRequest', options.limits);
  const header = readHeader(root, 'REQUEST_INVALID');

  const url = attr(root, 'AssertionConsumerServiceURL');
  const indexText = attr(root, 'AssertionConsumerServiceIndex');
  let index: number | null = null;
  if (indexText !== null) {
    if (!/^\d{1,5}$/.test(indexText) || Number(indexText) > 65535) {
      throw new SamlError('REQUEST_INVALID', 'AssertionConsumerServiceIndex is not an unsigned short.');
    }
    index = Number(indexText);
  }
  if (url !== null && index !== null) {
    throw new SamlError(
      'REQUEST_INVALID',
      'AssertionConsumerServiceURL and AssertionConsumerServiceIndex exclude each other.',
    );
  }

  const policyElement = optionalChild(root, NS.protocol, 'NameIDPolicy', 'REQUEST_INVALID');
  const nameIdPolicy: NameIdPolicy | null = policyElement && {
    format: attr(policyElement, 'Format'),
    allowCreate: booleanAttr(policyElement, 'AllowCreate', 'REQUEST_INVALID'),
    spNameQualifier: attr(policyElement, 'SPNameQualifier'),
  };
  const signed = checkSignature(root, options);
  checkDestination(header.destination, options.expectedDestination, signed);
  checkIssueInstant(header.issueInstant, options.clock.now(), {
    maxAgeSeconds: options.maxAgeSeconds ?? 300,
    skewSeconds: options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS,
    expired: 'REQUEST_EXPIRED',
    early: 'REQUEST_EXPIRED',
  });

  return {
    id: header.id,
    issueInstant: header.issueInstant,
    issuer: header.issuer,
    destination: header.destination,
    assertionConsumerServiceUrl: url,
    assertionConsumerServiceIndex: index,
    protocolBinding: attr(root, 'ProtocolBinding'),
    nameIdPolicy,
    forceAuthn: booleanAttr(root, 'ForceAuthn', 'REQUEST_INVALID') ?? false,
    isPassive: booleanAttr(root, 'IsPassive', 'REQUEST_INVALID') ?? false,
    requestedAuthnContext: readRequestedAuthnContext(root),
    providerName: attr(root, 'ProviderName'),
    signed,
  };
}

/** Core §3.3.2.2.1: RequestedAuthnContext holds class refs or decl refs, Comparison defaults to exact. */
function readRequestedAuthnContext(root: Element): RequestedAuthnContext | null {
  const element = optionalChild(root, NS.protocol, 'RequestedAuthnContext', 'REQUEST_INVALID');
  if (!element) return null;
  const comparison = attr(element, 'Comparison') ?? 'exact';
  if (!COMPARISONS.includes(comparison)) {
    throw new SamlError('REQUEST_INVALID', 'RequestedAuthnContext has an unknown Comparison.', {
      comparison,
    });
  }
  const classRefs = childElements(element, NS.assertion, 'AuthnContextClassRef').map((e) => textOf(e).trim());
  const declRefs = childElements(element, NS.assertion, 'AuthnContextDeclRef').map((e) => textOf(e).trim());
  if (classRefs.length === 0 && declRefs.length === 0) {
    throw new SamlError('REQUEST_INVALID', 'RequestedAuthnContext names no authentication context.');
  }
  return { comparison: comparison as AuthnContextComparison, classRefs, declRefs };
}
