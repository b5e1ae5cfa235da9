import {
  BINDING,
  type EntityDescriptor,
  parseCertificate,
  parseMetadata,
  pickEndpoint,
  SamlError,
} from '@federa/saml';
import type { IdpSettings } from '../providers/providers.repository.ts';

// Turns IdP metadata (fetched, pasted or uploaded) into what the Workspace keeps, with an error that
// names what is wrong in the admin's terms.

export type MetadataImportErrorCode =
  | 'HTML_NOT_METADATA'
  | 'NOT_XML'
  | 'NOT_AN_IDP'
  | 'NO_SIGNING_CERTIFICATE'
  | 'SIGNATURE_INVALID'
  | 'METADATA_INVALID';

export class MetadataImportError extends Error {
  readonly code: MetadataImportErrorCode;
  constructor(code: MetadataImportErrorCode, message: string) {
    super(message);
    this.name = 'MetadataImportError';
    this.code = code;
  }
}

export const HTML_MESSAGE =
  'The URL returned an HTML page, not SAML metadata — did you copy the portal page instead of the App Federation Metadata URL?';

/**
 * The IdP settings in `xml`: entity ID, SSO and SLO endpoints (HTTP-Redirect preferred, else
 * HTTP-POST; the SLO endpoint's ResponseLocation too, where LogoutResponses go) and every signing
 * certificate listed (all are trusted, for rollover).
 *
 * @example
 * idpSettingsFromMetadata(readFileSync('federationmetadata.xml', 'utf8')).entityId; // 'https://sts.windows.net/…/'
 */
export function idpSettingsFromMetadata(xml: string): IdpSettings {
  const text = xml.replace(/^\uFEFF/, '').trim();
  if (/^(<!doctype\s+html|<html[\s>])/i.test(text) || /^<!--[\s\S]*?-->\s*<html[\s>]/i.test(text)) {
    throw new MetadataImportError('HTML_NOT_METADATA', HTML_MESSAGE);
  }
  if (!text.startsWith('<')) {
    throw new MetadataImportError(
      'NOT_XML',
      'This is not XML. Paste the whole metadata document, starting with <?xml or <EntityDescriptor.',
    );
  }
  let entity: EntityDescriptor;
  try {
    // A signature here is checked with the certificates the same document lists: it shows the document
    // is whole, not who wrote it (trust comes from where the admin got it). SHA-1 weakens nothing
    // here, and an IdP set to SHA-1 signs its metadata with it too (Federa Directory does), so refusing
    // it would keep that IdP from being configured at all; its responses still need the setting.
    entity = parseMetadata(text, { role: 'idp', allowSha1: true });
  } catch (error) {
    throw translate(error);
  }
  const idp = entity.idp!;
  const sso =
    pickEndpoint(idp.singleSignOnServices, BINDING.redirect) ??
    pickEndpoint(idp.singleSignOnServices, BINDING.post);
  if (!sso) {
    throw new MetadataImportError(
      'NOT_AN_IDP',
      'The metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.',
    );
  }
  const slo =
    pickEndpoint(idp.singleLogoutServices, BINDING.redirect) ??
    pickEndpoint(idp.singleLogoutServices, BINDING.post);
  return {
    entityId: entity.entityId,
    ssoUrl: sso.location,
    ssoBinding: sso.binding,
    sloUrl: slo?.location ?? null,
    sloBinding: slo?.binding ?? null,
    // SAML Metadata §2.2.2: ResponseLocation, when present, is where responses go (Location then
    // takes requests only).
    sloResponseUrl:
      slo?.responseLocation && slo.responseLocation !== slo.location ? slo.responseLocation : null,
    signingCertificates: idp.signingCertificates.map((c) => c.base64),
    idpWantsRequestsSigned: idp.wantAuthnRequestsSigned,
  };
}

function translate(error: unknown): MetadataImportError {
  if (!(error instanceof SamlError))
    return new MetadataImportError('METADATA_INVALID', 'The metadata could not be read.');
  switch (error.code) {
    case 'METADATA_NO_SIGNING_CERTIFICATE':
      return new MetadataImportError(
        'NO_SIGNING_CERTIFICATE',
        'The metadata lists no signing certificate (no KeyDescriptor with use="signing" in the IDPSSODescriptor), so no response from this IdP could be verified. Download the metadata again from the IdP, or enter the certificate by hand.',
      );
    case 'METADATA_INVALID':
      if (/IDPSSODescriptor/.test(error.message)) {
        return new MetadataImportError(
          'NOT_AN_IDP',
          `This is not an identity provider's metadata: ${error.message} It may be a service provider's metadata (like this organization's own).`,
        );
      }
      if (/HTML page/.test(error.message)) return new MetadataImportError('HTML_NOT_METADATA', HTML_MESSAGE);
      return new MetadataImportError('METADATA_INVALID', error.message);
    case 'SIGNATURE_INVALID':
    case 'SIGNATURE_DIGEST_MISMATCH':
    case 'SIGNATURE_KEY_UNTRUSTED':
      return new MetadataImportError(
        'SIGNATURE_INVALID',
        `The metadata is signed, but its signature does not verify (${error.message}). It was changed after signing: download it again from the IdP.`,
      );
    case 'XML_MALFORMED':
    case 'XML_UNEXPECTED_ROOT':
      return new MetadataImportError('NOT_XML', `This is not well-formed SAML metadata: ${error.message}`);
    default:
      return new MetadataImportError('METADATA_INVALID', error.message);
  }
}

/** Certificates typed by hand: PEM blocks, or base64 DER separated by blank lines. */
export function parseCertificateList(input: string): string[] {
  const text = input.trim();
  if (text === '') return [];
  const blocks = text.includes('-----BEGIN CERTIFICATE-----')
    ? text
        .split('-----END CERTIFICATE-----')
        .filter((b) => b.trim() !== '')
        .map((b) => `${b}-----END CERTIFICATE-----`)
    : text.split(/\n\s*\n/);
  const found: string[] = [];
  for (const block of blocks) {
    const certificate = parseCertificate(block);
    if (!found.includes(certificate.base64)) found.push(certificate.base64);
  }
  return found;
}
