import type { Certificate } from '../keys.ts';

/** SAML Metadata §2.2.2 EndpointType: where a protocol message is sent, and by which binding. */
export interface Endpoint {
  /** A binding URI, e.g. `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect` (see `BINDING`). */
  binding: string;
  location: string;
  /** Where responses go when not to `location` (SAML Metadata §2.2.2). */
  responseLocation?: string;
}

/** SAML Metadata §2.2.3 IndexedEndpointType, as AssertionConsumerService uses it. */
export interface IndexedEndpoint extends Endpoint {
  index: number;
  /** `isDefault="true"`; an absent attribute reads as `false`. */
  isDefault: boolean;
}

/** Certificates and formats shared by both SSO roles (SAML Metadata §2.4.1, §2.4.2). */
interface SsoRole {
  singleLogoutServices: Endpoint[];
  nameIdFormats: string[];
  /** From `KeyDescriptor use="signing"` and from KeyDescriptors with no `use` (SAML Metadata §2.4.1.1). */
  signingCertificates: Certificate[];
  /** From `KeyDescriptor use="encryption"` and from KeyDescriptors with no `use`. */
  encryptionCertificates: Certificate[];
}

/** An IDPSSODescriptor (SAML Metadata §2.4.3). */
export interface IdpDescriptor extends SsoRole {
  wantAuthnRequestsSigned: boolean;
  singleSignOnServices: Endpoint[];
}

/** An SPSSODescriptor (SAML Metadata §2.4.4). */
export interface SpDescriptor extends SsoRole {
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  assertionConsumerServices: IndexedEndpoint[];
}

/**
 * What `parseMetadata` established about the metadata's own signature:
 * - `verified-trusted`: signed, and verified with one of the keys the caller trusts;
 * - `verified-self`: signed, and verified with a certificate the metadata itself lists (proves the
 *   document is intact and self-consistent, not who published it: the fetch over TLS or an admin's
 *   check of the certificate thumbprint must do that);
 * - `absent`: not signed.
 */
export type MetadataSignatureStatus = 'verified-trusted' | 'verified-self' | 'absent';

/** An EntityDescriptor (SAML Metadata §2.3.2), reduced to the SAML 2.0 SSO roles Federa uses. */
export interface EntityDescriptor {
  entityId: string;
  /** The `ID` attribute, when present (what a signature references). */
  id?: string;
  validUntil?: Date;
  idp?: IdpDescriptor;
  sp?: SpDescriptor;
  signature: MetadataSignatureStatus;
}
