import {
  BINDING,
  type BuildAuthnRequestOptions,
  buildAuthnRequest,
  type Certificate,
  type Clock,
  encodeRedirect,
  parseMetadata,
  type ValidatedAssertion,
  validateResponse,
} from '@federa/saml';
import type { FastifyInstance } from 'fastify';
import type { Application } from '../../src/applications/applications.repository.ts';
import type { Tenant } from '../../src/tenants/tenants.repository.ts';
import { BASE_URL } from './harness.ts';
import { ACME } from './seed.ts';

/** The addresses of a tenant, as an SP configured from the metadata sees them. */
export function idpOf(tenant: Tenant) {
  return { entityId: `${BASE_URL}/${tenant.id}/`, ssoUrl: `${BASE_URL}/${tenant.id}/saml2` };
}

let counter = 0;
export function requestId(): string {
  counter += 1;
  return `_req${Date.now().toString(36)}${counter}`;
}

export interface RequestOptions extends Partial<Omit<BuildAuthnRequestOptions, 'issueInstant'>> {
  /** How the URL names the tenant (GUID or domain). Default contoso.com. */
  tenantSegment?: string;
  relayState?: string;
}

/** An AuthnRequest from `acme` (buildAuthnRequest), and the HTTP-Redirect URL path that carries it. */
export function redirectRequest(
  clock: Clock,
  options: RequestOptions = {},
): { id: string; url: string; xml: string } {
  const segment = options.tenantSegment ?? 'contoso.com';
  const id = options.id ?? requestId();
  const { tenantSegment: _s, relayState, ...rest } = options;
  const xml = buildAuthnRequest({
    issuer: ACME.entityId,
    destination: `${BASE_URL}/${segment}/saml2`,
    assertionConsumerServiceUrl: ACME.acsUrl,
    protocolBinding: BINDING.post,
    ...rest,
    id,
    issueInstant: clock.now(),
  });
  return {
    id,
    xml,
    url: encodeRedirect({ location: `/${segment}/saml2`, parameter: 'SAMLRequest', xml, relayState }),
  };
}

/** The signing certificates an SP reads from the App Federation Metadata URL (signature verified). */
export async function metadataCertificates(
  app: FastifyInstance,
  tenant: Tenant,
  application: Application,
): Promise<Certificate[]> {
  const response = await app.inject({
    method: 'GET',
    url: `/${tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${application.appId}`,
  });
  if (response.statusCode !== 200) throw new Error(`metadata: ${response.statusCode}`);
  const entity = parseMetadata(response.body, { role: 'idp' });
  if (entity.signature !== 'verified-self') throw new Error('metadata not signed');
  return entity.idp!.signingCertificates;
}

/** Validates a response as acme's ACS would (our validateResponse, every check). */
export function acmeValidates(
  xml: string,
  options: {
    tenant: Tenant;
    certificates: readonly Certificate[];
    clock: Clock;
    requestIds?: string[];
    unsolicited?: boolean;
  },
): Promise<ValidatedAssertion> {
  return validateResponse(xml, {
    idp: { entityId: idpOf(options.tenant).entityId, signingCertificates: options.certificates },
    sp: { entityId: ACME.entityId, acsUrl: ACME.acsUrl },
    clock: options.clock,
    pendingRequestIds: options.requestIds ?? [],
    allowUnsolicited: options.unsolicited ?? false,
    requireSignedAssertion: true,
  });
}

/** Entra's default claim names, in the order Entra emits them (fixtures/entra/azure-ad-saml-response.*). */
export const ENTRA_CLAIM_ORDER = [
  'http://schemas.microsoft.com/identity/claims/tenantid',
  'http://schemas.microsoft.com/identity/claims/objectidentifier',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'http://schemas.microsoft.com/identity/claims/identityprovider',
  'http://schemas.microsoft.com/claims/authnmethodsreferences',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
];

/** Attribute names in document order, read from the XML (validateResponse returns a record). */
export function attributeOrder(xml: string): string[] {
  return [...xml.matchAll(/<(?:saml:)?Attribute Name="([^"]+)"/g)].map((m) => m[1]!);
}
