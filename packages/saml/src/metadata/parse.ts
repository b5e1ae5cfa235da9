import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { parseSamlInstant } from '../clock.ts';
import { SamlError } from '../errors.ts';
import { type Certificate, parseCertificate } from '../keys.ts';
import { attr, childElements, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import { METADATA_LIMITS, parseXml } from '../xml/parse.ts';
import { findSignature, verifyEnvelopedSignature } from '../xmldsig/verify.ts';

export { defaultAssertionConsumerService, pickEndpoint } from './endpoints.ts';

import type {
  Endpoint,
  EntityDescriptor,
  IdpDescriptor,
  IndexedEndpoint,
  MetadataSignatureStatus,
  SpDescriptor,
} from './types.ts';

export interface ParseMetadataOptions {
  /**
   * Keys the caller already trusts for this metadata (e.g. a federation's signing key). When given,
   * the metadata must be signed by one of them, unless `requireSignature` is explicitly `false`.
   */
  trustedKeys?: readonly KeyObject[];
  /** Refuse unsigned metadata (SIGNATURE_MISSING). Default: `true` when `trustedKeys` is given. */
  requireSignature?: boolean;
  allowSha1?: boolean;
  /** The role the caller needs; metadata without it is METADATA_INVALID. */
  role?: 'idp' | 'sp';
}

const SAML20_PROTOCOL = NS.protocol;

/**
 * Parses SAML 2.0 metadata (an EntityDescriptor, or an EntitiesDescriptor holding exactly one), with
 * the strict parser and metadata limits. WS-Federation RoleDescriptors (Entra publishes two) and
 * unknown elements are ignored. A signature on the root is verified: with `trustedKeys` when given,
 * else with the certificates the metadata lists (a self-consistency check, as `xmlsec1 --verify`
 * with the embedded certificate does); the outcome is `result.signature`.
 *
 * @example
 * const entity = parseMetadata(xmlText, { role: 'idp' });
 * entity.idp!.singleSignOnServices; // [{ binding: BINDING.redirect, location: 'https://…/saml2' }, …]
 * entity.signature; // 'verified-self'
 */
export function parseMetadata(xml: string, options: ParseMetadataOptions = {}): EntityDescriptor {
  // An admin who pastes a sign-in page URL gets HTML: say so rather than "DOCTYPE forbidden".
  if (/^\uFEFF?\s*(<!doctype\s+html|<html[\s>])/i.test(xml)) {
    throw new SamlError(
      'METADATA_INVALID',
      'This is an HTML page, not SAML metadata. Check the metadata URL.',
    );
  }
  const { root } = parseXml(xml, METADATA_LIMITS);
  const entity = entityDescriptorOf(root);
  // The signature covers either the whole document or, inside an unsigned EntitiesDescriptor, the entity.
  const signed = findSignature(root) ? root : findSignature(entity) ? entity : null;
  const requireSignature = options.requireSignature ?? options.trustedKeys !== undefined;
  if (!signed && requireSignature) {
    throw new SamlError('SIGNATURE_MISSING', 'The metadata is not signed.');
  }
  if (signed && options.trustedKeys) {
    // Verify before reading anything out of it.
    verifyEnvelopedSignature(signed, { keys: options.trustedKeys, allowSha1: options.allowSha1 });
  }

  const result = readEntity(entity, options);
  let signature: MetadataSignatureStatus = 'absent';
  if (signed && options.trustedKeys) {
    signature = 'verified-trusted';
  } else if (signed) {
    const listed = [...(result.idp?.signingCertificates ?? []), ...(result.sp?.signingCertificates ?? [])];
    if (listed.length === 0) {
      throw new SamlError(
        'SIGNATURE_KEY_UNTRUSTED',
        'The metadata is signed but lists no signing certificate.',
      );
    }
    verifyEnvelopedSignature(signed, {
      keys: listed.map((c) => c.publicKey),
      certificates: listed,
      allowSha1: options.allowSha1,
    });
    signature = 'verified-self';
  }
  return { ...result, signature };
}

function entityDescriptorOf(root: Element): Element {
  if (isMd(root, 'EntityDescriptor')) return root;
  if (isMd(root, 'EntitiesDescriptor')) {
    const entities = childElements(root, NS.metadata, 'EntityDescriptor');
    if (entities.length !== 1) {
      throw new SamlError(
        'METADATA_INVALID',
        `The EntitiesDescriptor holds ${entities.length} EntityDescriptors; paste the metadata of one entity.`,
      );
    }
    return entities[0]!;
  }
  throw new SamlError(
    'METADATA_INVALID',
    `This is not SAML metadata: the document is a <${root.localName}>, not an EntityDescriptor.`,
  );
}

function readEntity(entity: Element, options: ParseMetadataOptions): Omit<EntityDescriptor, 'signature'> {
  const entityId = attr(entity, 'entityID');
  // SAML Metadata §2.3.2: entityID is required, an anyURI of at most 1024 characters.
  if (!entityId || entityId.length > 1024) {
    throw new SamlError(
      'METADATA_INVALID',
      'The EntityDescriptor has no entityID (or one over 1024 characters).',
    );
  }
  const result: Omit<EntityDescriptor, 'signature'> = { entityId };
  const id = attr(entity, 'ID');
  if (id) result.id = id;
  const validUntil = attr(entity, 'validUntil');
  if (validUntil !== null) {
    const date = parseSamlInstant(validUntil);
    if (!date)
      throw new SamlError('METADATA_INVALID', 'The EntityDescriptor validUntil is not a UTC date-time.');
    result.validUntil = date;
  }

  const idp = saml2Role(entity, 'IDPSSODescriptor');
  const sp = saml2Role(entity, 'SPSSODescriptor');
  if (idp) result.idp = readIdp(idp);
  if (sp) result.sp = readSp(sp);
  if (options.role === 'idp' && !idp) {
    throw new SamlError('METADATA_INVALID', 'The metadata has no IDPSSODescriptor for SAML 2.0.');
  }
  if (options.role === 'sp' && !sp) {
    throw new SamlError('METADATA_INVALID', 'The metadata has no SPSSODescriptor for SAML 2.0.');
  }
  if (!idp && !sp) {
    throw new SamlError(
      'METADATA_INVALID',
      'The metadata has no IDPSSODescriptor or SPSSODescriptor for SAML 2.0.',
    );
  }
  return result;
}

/** The one role descriptor `localName` that supports SAML 2.0 (SAML Metadata §2.4.1); `null` when none. */
function saml2Role(entity: Element, localName: string): Element | null {
  const roles = childElements(entity, NS.metadata, localName).filter((role) =>
    (attr(role, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML20_PROTOCOL),
  );
  if (roles.length > 1) {
    throw new SamlError('METADATA_INVALID', `The metadata has more than one ${localName} for SAML 2.0.`);
  }
  return roles[0] ?? null;
}

function readIdp(role: Element): IdpDescriptor {
  const singleSignOnServices = childElements(role, NS.metadata, 'SingleSignOnService').map(endpoint);
  if (singleSignOnServices.length === 0) {
    throw new SamlError('METADATA_INVALID', 'The IDPSSODescriptor has no SingleSignOnService.');
  }
  const idp: IdpDescriptor = {
    wantAuthnRequestsSigned: booleanAttr(role, 'WantAuthnRequestsSigned'),
    singleSignOnServices,
    ...ssoRole(role),
  };
  if (idp.signingCertificates.length === 0) {
    throw new SamlError(
      'METADATA_NO_SIGNING_CERTIFICATE',
      'The IDPSSODescriptor lists no signing certificate, so no response from this IdP could be verified.',
    );
  }
  return idp;
}

function readSp(role: Element): SpDescriptor {
  const assertionConsumerServices = childElements(role, NS.metadata, 'AssertionConsumerService').map(
    indexedEndpoint,
  );
  if (assertionConsumerServices.length === 0) {
    throw new SamlError('METADATA_INVALID', 'The SPSSODescriptor has no AssertionConsumerService.');
  }
  const indexes = new Set(assertionConsumerServices.map((acs) => acs.index));
  if (indexes.size !== assertionConsumerServices.length) {
    throw new SamlError('METADATA_INVALID', 'Two AssertionConsumerServices share an index.');
  }
  return {
    authnRequestsSigned: booleanAttr(role, 'AuthnRequestsSigned'),
    wantAssertionsSigned: booleanAttr(role, 'WantAssertionsSigned'),
    assertionConsumerServices,
    ...ssoRole(role),
  };
}

function ssoRole(role: Element) {
  const signingCertificates: Certificate[] = [];
  const encryptionCertificates: Certificate[] = [];
  for (const descriptor of childElements(role, NS.metadata, 'KeyDescriptor')) {
    // SAML Metadata §2.4.1.1: without `use`, the key serves both purposes.
    const use = attr(descriptor, 'use');
    if (use !== null && use !== 'signing' && use !== 'encryption') {
      throw new SamlError('METADATA_INVALID', 'A KeyDescriptor has a use other than signing or encryption.');
    }
    for (const certificate of keyDescriptorCertificates(descriptor)) {
      if (use !== 'encryption') addUnique(signingCertificates, certificate);
      if (use !== 'signing') addUnique(encryptionCertificates, certificate);
    }
  }
  return {
    singleLogoutServices: childElements(role, NS.metadata, 'SingleLogoutService').map(endpoint),
    nameIdFormats: childElements(role, NS.metadata, 'NameIDFormat')
      .map((format) => textOf(format).trim())
      .filter((format) => format !== ''),
    signingCertificates,
    encryptionCertificates,
  };
}

/** The first certificate of each ds:X509Data (the others, if any, are its chain, not signing keys). */
function keyDescriptorCertificates(descriptor: Element): Certificate[] {
  const found: Certificate[] = [];
  for (const keyInfo of childElements(descriptor, NS.dsig, 'KeyInfo')) {
    for (const data of childElements(keyInfo, NS.dsig, 'X509Data')) {
      const first = childElements(data, NS.dsig, 'X509Certificate')[0];
      if (first) found.push(parseCertificate(textOf(first)));
    }
  }
  return found;
}

function addUnique(list: Certificate[], certificate: Certificate): void {
  if (!list.some((c) => c.thumbprint === certificate.thumbprint)) list.push(certificate);
}

function endpoint(element: Element): Endpoint {
  const binding = attr(element, 'Binding');
  if (!binding) throw new SamlError('METADATA_INVALID', `A ${element.localName} has no Binding.`);
  const found: Endpoint = { binding, location: url(element, 'Location', true)! };
  const responseLocation = url(element, 'ResponseLocation', false);
  if (responseLocation) found.responseLocation = responseLocation;
  return found;
}

function indexedEndpoint(element: Element): IndexedEndpoint {
  const index = attr(element, 'index');
  // xs:unsignedShort
  if (index === null || !/^\d{1,5}$/.test(index) || Number(index) > 65535) {
    throw new SamlError('METADATA_INVALID', `A ${element.localName} has no valid index.`);
  }
  return { ...endpoint(element), index: Number(index), isDefault: booleanAttr(element, 'isDefault') };
}

/**
 * An endpoint URL. Only http(s): an ACS is where an IdP posts a browser form, and a `javascript:` or
 * `data:` URL there would run script on the IdP's origin.
 */
function url(element: Element, name: string, required: boolean): string | null {
  const value = attr(element, name);
  if (value === null && !required) return null;
  let parsed: URL | null = null;
  try {
    parsed = value ? new URL(value) : null;
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new SamlError('METADATA_INVALID', `A ${element.localName} ${name} is not an http(s) URL.`);
  }
  return value;
}

/** xs:boolean (XML Schema Part 2 §3.2.2); absent is `false`, the schema default for these attributes. */
function booleanAttr(element: Element, name: string): boolean {
  const value = attr(element, name)?.trim() ?? null;
  if (value === null || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new SamlError('METADATA_INVALID', `The ${element.localName} ${name} is not a boolean.`);
}

function isMd(element: Element, localName: string): boolean {
  return element.namespaceURI === NS.metadata && element.localName === localName;
}
