import type { Element } from '@xmldom/xmldom';
import type { Clock, Random } from '../clock.ts';
import { toSamlInstant } from '../clock.ts';
import type { Certificate, SigningCredential } from '../keys.ts';
import { appendElement, createDocument, serialize } from '../xml/build.ts';
import { CM_BEARER, NS, STATUS } from '../xml/namespaces.ts';
import { parseXml } from '../xml/parse.ts';
import type { SignatureAlgorithmName } from '../xmldsig/algorithms.ts';
import { signElement } from '../xmldsig/sign.ts';
import { encryptElement } from '../xmlenc/encrypt.ts';

export type SigningMode = 'assertion' | 'response' | 'both';

export interface IssueResponseOptions {
  /** The IdP entity ID (Entra: `https://sts.windows.net/{tid}/`). */
  issuer: string;
  /** The Reply URL (ACS) the response is posted to. */
  destination: string;
  /** The SP entity ID (the app's Identifier). */
  audience: string;
  /** The AuthnRequest ID, or null for an IdP-initiated (unsolicited) response. */
  inResponseTo: string | null;
  nameId: { value: string; format: string };
  /** Claims in the order they are emitted; a claim without values is left out (as Entra does). */
  attributes: ReadonlyArray<{ name: string; values: readonly string[] }>;
  authnInstant: Date;
  authnContextClassRef: string;
  /** Default: the assertion ID, as Entra does. */
  sessionIndex?: string;
  /** How long the assertion may be used. Entra: 60 minutes after issue, valid from 5 minutes before. */
  lifetimeSeconds?: number;
  signing: { credential: SigningCredential; algorithm?: SignatureAlgorithmName; mode?: SigningMode };
  /** Encrypt the assertion for the SP (AES-256-GCM, RSA-OAEP). */
  encryptFor?: Certificate;
  clock: Clock;
  random: Random;
}

export interface IssuedResponse {
  xml: string;
  responseId: string;
  assertionId: string;
}

const NOT_BEFORE_MARGIN_MS = 5 * 60 * 1000;

/**
 * Builds and signs a SAML Response carrying one Assertion, in the structure Entra ID issues
 * (fixtures/entra/azure-ad-saml-response.*): Issuer, Status, then an Assertion signed after its
 * Issuer, with bearer SubjectConfirmation, Conditions with one AudienceRestriction, the
 * AttributeStatement and the AuthnStatement. Signs the assertion (Entra's default), the response or
 * both; RSA-SHA256 unless SHA-1 is asked for.
 *
 * @example
 * const { xml } = await issueResponse({ issuer, destination: acsUrl, audience: spEntityId, inResponseTo: request.id,
 *   nameId: { value: 'B.Simon@contoso.com', format: NAMEID_FORMAT.emailAddress }, attributes: [],
 *   authnInstant, authnContextClassRef: AUTHN_CONTEXT.password, signing: { credential }, clock, random });
 */
export async function issueResponse(options: IssueResponseOptions): Promise<IssuedResponse> {
  const now = options.clock.now();
  const instant = toSamlInstant(now);
  const notBefore = toSamlInstant(new Date(now.getTime() - NOT_BEFORE_MARGIN_MS));
  const notOnOrAfter = toSamlInstant(new Date(now.getTime() + (options.lifetimeSeconds ?? 3600) * 1000));
  const responseId = options.random.id();
  const assertionId = options.random.id();
  const mode = options.signing.mode ?? 'assertion';
  const inResponseTo = options.inResponseTo ?? undefined;

  const { root: response } = createDocument(NS.protocol, 'samlp:Response');
  setAttributes(response, {
    ID: responseId,
    Version: '2.0',
    IssueInstant: instant,
    Destination: options.destination,
    InResponseTo: inResponseTo,
  });
  const responseIssuer = appendElement(response, NS.assertion, 'Issuer', {}, options.issuer);
  const status = appendElement(response, NS.protocol, 'samlp:Status');
  appendElement(status, NS.protocol, 'samlp:StatusCode', { Value: STATUS.success });

  const assertion = appendElement(response, NS.assertion, 'Assertion', {
    ID: assertionId,
    IssueInstant: instant,
    Version: '2.0',
  });
  const assertionIssuer = appendElement(assertion, NS.assertion, 'Issuer', {}, options.issuer);
  const subject = appendElement(assertion, NS.assertion, 'Subject');
  appendElement(subject, NS.assertion, 'NameID', { Format: options.nameId.format }, options.nameId.value);
  const confirmation = appendElement(subject, NS.assertion, 'SubjectConfirmation', { Method: CM_BEARER });
  appendElement(confirmation, NS.assertion, 'SubjectConfirmationData', {
    InResponseTo: inResponseTo,
    NotOnOrAfter: notOnOrAfter,
    Recipient: options.destination,
  });
  const conditions = appendElement(assertion, NS.assertion, 'Conditions', {
    NotBefore: notBefore,
    NotOnOrAfter: notOnOrAfter,
  });
  const restriction = appendElement(conditions, NS.assertion, 'AudienceRestriction');
  appendElement(restriction, NS.assertion, 'Audience', {}, options.audience);

  const claims = options.attributes.filter((claim) => claim.values.length > 0);
  if (claims.length > 0) {
    const statement = appendElement(assertion, NS.assertion, 'AttributeStatement');
    for (const claim of claims) {
      const attribute = appendElement(statement, NS.assertion, 'Attribute', { Name: claim.name });
      for (const value of claim.values) appendElement(attribute, NS.assertion, 'AttributeValue', {}, value);
    }
  }
  const authn = appendElement(assertion, NS.assertion, 'AuthnStatement', {
    AuthnInstant: toSamlInstant(options.authnInstant),
    SessionIndex: options.sessionIndex ?? assertionId,
  });
  const context = appendElement(authn, NS.assertion, 'AuthnContext');
  appendElement(context, NS.assertion, 'AuthnContextClassRef', {}, options.authnContextClassRef);

  const signOptions = { credential: options.signing.credential, algorithm: options.signing.algorithm };
  if (mode !== 'response') signElement(assertion, { ...signOptions, after: assertionIssuer });
  if (options.encryptFor) await replaceWithEncrypted(assertion, options.encryptFor);
  if (mode !== 'assertion') signElement(response, { ...signOptions, after: responseIssuer });
  return { xml: serialize(response), responseId, assertionId };
}

/** SAML Core §2.3.4: EncryptedAssertion holds the EncryptedData of the (already signed) Assertion. */
async function replaceWithEncrypted(assertion: Element, certificate: Certificate): Promise<void> {
  const encryptedData = await encryptElement(serialize(assertion), certificate);
  const document = assertion.ownerDocument!;
  const wrapper = document.createElementNS(NS.assertion, 'EncryptedAssertion');
  wrapper.appendChild(document.importNode(parseXml(encryptedData).root, true));
  assertion.parentNode!.replaceChild(wrapper, assertion);
}

function setAttributes(element: Element, attributes: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, value);
}
