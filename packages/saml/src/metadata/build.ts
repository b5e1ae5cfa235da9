import type { Element } from '@xmldom/xmldom';
import { toSamlInstant } from '../clock.ts';
import type { Certificate, SigningCredential } from '../keys.ts';
import { appendElement, createDocument, serialize } from '../xml/build.ts';
import { BINDING, NS } from '../xml/namespaces.ts';
import type { SignatureAlgorithmName } from '../xmldsig/algorithms.ts';
import { signElement } from '../xmldsig/sign.ts';

export interface MetadataSigning {
  credential: SigningCredential;
  /** Default rsa-sha256. */
  algorithm?: SignatureAlgorithmName;
}

export interface IdpMetadataOptions {
  entityId: string;
  /** The EntityDescriptor's ID (an NCName, e.g. from `Random.id()`): what the signature references. */
  id: string;
  /** Every certificate the IdP may sign with (the active one and, during a rollover, the next). */
  signingCertificates: readonly Certificate[];
  /** The SSO endpoint, published for both HTTP-Redirect and HTTP-POST. */
  ssoUrl: string;
  /** The SLO endpoint, published for HTTP-Redirect. */
  sloUrl: string;
  nameIdFormats: readonly string[];
  wantAuthnRequestsSigned?: boolean;
  sign?: MetadataSigning;
  validUntil?: Date;
}

/**
 * Writes IdP metadata in the shape of Entra's App Federation Metadata: an EntityDescriptor in the
 * default metadata namespace, signed over itself (ds:Signature as its first child, SAML Metadata
 * §2.3.2), holding one IDPSSODescriptor with a `KeyDescriptor use="signing"` per certificate, the SLO
 * endpoint (Redirect) and the SSO endpoint (Redirect and POST).
 *
 * @example
 * const xml = buildIdpMetadata({
 *   entityId: 'http://127.0.0.1:4000/<tid>/', id: random.id(), signingCertificates: [cert],
 *   ssoUrl: 'http://127.0.0.1:4000/<tid>/saml2', sloUrl: 'http://127.0.0.1:4000/<tid>/saml2',
 *   nameIdFormats: [NAMEID_FORMAT.emailAddress], sign: { credential },
 * });
 */
export function buildIdpMetadata(options: IdpMetadataOptions): string {
  const root = entityDescriptor(options.entityId, options.id, options.validUntil);
  const role = appendElement(root, NS.metadata, 'IDPSSODescriptor', {
    WantAuthnRequestsSigned: booleanValue(options.wantAuthnRequestsSigned),
    protocolSupportEnumeration: NS.protocol,
  });
  // SAML Metadata §2.4.1–2.4.3 fix the order: KeyDescriptor, SingleLogoutService, NameIDFormat,
  // SingleSignOnService.
  for (const certificate of options.signingCertificates) keyDescriptor(role, 'signing', certificate);
  appendElement(role, NS.metadata, 'SingleLogoutService', {
    Binding: BINDING.redirect,
    Location: options.sloUrl,
  });
  nameIdFormats(role, options.nameIdFormats);
  for (const binding of [BINDING.redirect, BINDING.post]) {
    appendElement(role, NS.metadata, 'SingleSignOnService', { Binding: binding, Location: options.ssoUrl });
  }
  return finish(root, options.sign);
}

export interface SpMetadataOptions {
  entityId: string;
  /** The EntityDescriptor's ID; required when `sign` is given. */
  id?: string;
  /** Assertion consumer services; the binding defaults to HTTP-POST. */
  acs: readonly { location: string; index: number; isDefault?: boolean; binding?: string }[];
  /** Single logout services; the binding defaults to HTTP-Redirect. */
  slo?: readonly { location: string; responseLocation?: string; binding?: string }[];
  signingCertificates?: readonly Certificate[];
  encryptionCertificates?: readonly Certificate[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  nameIdFormats?: readonly string[];
  sign?: MetadataSigning;
  validUntil?: Date;
}

/**
 * Writes SP metadata: one SPSSODescriptor with its certificates, SLO endpoints, NameID formats and
 * indexed assertion consumer services, signed over the EntityDescriptor when `sign` is given.
 *
 * @example
 * const xml = buildSpMetadata({
 *   entityId: 'http://localhost:5000/saml/metadata/acme/',
 *   acs: [{ location: 'http://localhost:5000/saml/acs/acme/', index: 0, isDefault: true }],
 *   authnRequestsSigned: false, wantAssertionsSigned: true,
 * });
 */
export function buildSpMetadata(options: SpMetadataOptions): string {
  const root = entityDescriptor(options.entityId, options.id, options.validUntil);
  const role = appendElement(root, NS.metadata, 'SPSSODescriptor', {
    AuthnRequestsSigned: booleanValue(options.authnRequestsSigned),
    WantAssertionsSigned: booleanValue(options.wantAssertionsSigned),
    protocolSupportEnumeration: NS.protocol,
  });
  // SAML Metadata §2.4.1, §2.4.2, §2.4.4 fix the order: KeyDescriptor, SingleLogoutService,
  // NameIDFormat, AssertionConsumerService.
  for (const certificate of options.signingCertificates ?? []) keyDescriptor(role, 'signing', certificate);
  for (const certificate of options.encryptionCertificates ?? [])
    keyDescriptor(role, 'encryption', certificate);
  for (const slo of options.slo ?? []) {
    appendElement(role, NS.metadata, 'SingleLogoutService', {
      Binding: slo.binding ?? BINDING.redirect,
      Location: slo.location,
      ResponseLocation: slo.responseLocation,
    });
  }
  nameIdFormats(role, options.nameIdFormats ?? []);
  for (const acs of options.acs) {
    appendElement(role, NS.metadata, 'AssertionConsumerService', {
      Binding: acs.binding ?? BINDING.post,
      Location: acs.location,
      index: String(acs.index),
      isDefault: acs.isDefault ? 'true' : undefined,
    });
  }
  return finish(root, options.sign);
}

function entityDescriptor(entityId: string, id: string | undefined, validUntil: Date | undefined): Element {
  const { root } = createDocument(NS.metadata, 'EntityDescriptor');
  if (id !== undefined) root.setAttribute('ID', id);
  root.setAttribute('entityID', entityId);
  if (validUntil) root.setAttribute('validUntil', toSamlInstant(validUntil));
  return root;
}

function keyDescriptor(role: Element, use: 'signing' | 'encryption', certificate: Certificate): void {
  const descriptor = appendElement(role, NS.metadata, 'KeyDescriptor', { use });
  const keyInfo = appendElement(descriptor, NS.dsig, 'KeyInfo');
  const data = appendElement(keyInfo, NS.dsig, 'X509Data');
  appendElement(data, NS.dsig, 'X509Certificate', {}, certificate.base64);
}

function nameIdFormats(role: Element, formats: readonly string[]): void {
  for (const format of formats) appendElement(role, NS.metadata, 'NameIDFormat', {}, format);
}

function booleanValue(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function finish(root: Element, sign: MetadataSigning | undefined): string {
  if (sign) {
    // SAML Metadata §2.3.2: ds:Signature is the EntityDescriptor's first child.
    signElement(root, { credential: sign.credential, algorithm: sign.algorithm, after: null });
  }
  return serialize(root);
}
