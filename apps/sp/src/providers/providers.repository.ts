import { type Certificate, parseCertificate } from '@federa/saml';
import { type Db, fromBool, toBool } from '../db/db.ts';
import type { AuthProvidersTable } from '../db/schema.ts';
import type { Role } from '../organizations/roles.ts';
import type { AttributeMapping } from './attribute-mapping.ts';

export type ProviderKind = 'active-directory' | 'saml2';
export type ProviderStatus = 'pending' | 'active';
export type MetadataSource = 'url' | 'xml' | 'manual';

export const PROVIDER_LABEL: Record<ProviderKind, string> = {
  'active-directory': 'Active Directory',
  saml2: 'SAML2',
};

/** What the IdP is: where to send requests and which keys sign its responses. */
export interface IdpSettings {
  entityId: string;
  ssoUrl: string;
  ssoBinding: string;
  sloUrl: string | null;
  sloBinding: string | null;
  /** Where LogoutResponses go when not to `sloUrl` (the SLO endpoint's ResponseLocation, SAML Metadata §2.2.2). */
  sloResponseUrl: string | null;
  /** Base64 DER; every one is trusted (rollover). */
  signingCertificates: string[];
  /** The IdP's metadata says WantAuthnRequestsSigned="true": it refuses unsigned AuthnRequests. */
  idpWantsRequestsSigned: boolean;
}

export interface ProviderOptions {
  requireSso: boolean;
  defaultRole: Role;
  allowIdpInitiated: boolean;
  sessionHours: number;
  singleLogout: boolean;
  /** Accept SHA-1 signatures and digests from the IdP (insecure; for IdPs that can send nothing better). */
  allowSha1: boolean;
  /** Refuse an unsigned Assertion even inside a signed Response (the SP metadata's WantAssertionsSigned). */
  wantAssertionsSigned: boolean;
  /** Sign AuthnRequests (also done, whatever this says, when the IdP's metadata asks for it). */
  signRequests: boolean;
  /** Signed-out people who open the organization's pages go straight to the IdP (Require SSO implies it). */
  sendToIdp: boolean;
  /** Every AuthnRequest says ForceAuthn="true": the IdP authenticates the person again at each sign-in. */
  forceAuthn: boolean;
}

export interface Provider extends IdpSettings, ProviderOptions {
  id: string;
  organizationId: string;
  kind: ProviderKind;
  status: ProviderStatus;
  metadataSource: MetadataSource;
  metadataUrl: string | null;
  metadataFetchedAt: string | null;
  metadataError: string | null;
  mapping: AttributeMapping;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
}

function toProvider(row: AuthProvidersTable): Provider {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind as ProviderKind,
    status: row.status as ProviderStatus,
    entityId: row.idp_entity_id,
    ssoUrl: row.sso_url,
    ssoBinding: row.sso_binding,
    sloUrl: row.slo_url,
    sloBinding: row.slo_binding,
    sloResponseUrl: row.slo_response_url,
    signingCertificates: JSON.parse(row.signing_certificates) as string[],
    metadataSource: row.metadata_source as MetadataSource,
    metadataUrl: row.metadata_url,
    metadataFetchedAt: row.metadata_fetched_at,
    metadataError: row.metadata_error,
    mapping: JSON.parse(row.attribute_mapping) as AttributeMapping,
    requireSso: toBool(row.require_sso),
    defaultRole: row.default_role as Role,
    allowIdpInitiated: toBool(row.allow_idp_initiated),
    sessionHours: row.session_hours,
    singleLogout: toBool(row.single_logout),
    allowSha1: toBool(row.allow_sha1),
    wantAssertionsSigned: toBool(row.want_assertions_signed),
    signRequests: toBool(row.sign_requests),
    idpWantsRequestsSigned: toBool(row.idp_wants_requests_signed),
    sendToIdp: toBool(row.send_to_idp),
    forceAuthn: toBool(row.force_authn),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activatedAt: row.activated_at,
  };
}

/**
 * The provider's certificates, parsed (for validateResponse and the settings page). The list is read
 * from the database on every sign-in; a certificate's parse (its text never changes) is kept per process.
 */
export function certificatesOf(provider: Pick<IdpSettings, 'signingCertificates'>): Certificate[] {
  return provider.signingCertificates.map((base64) => {
    const cached = parsedCertificates.get(base64);
    if (cached) return cached;
    const parsed = parseCertificate(base64);
    if (parsedCertificates.size >= 1000) parsedCertificates.delete(parsedCertificates.keys().next().value!);
    parsedCertificates.set(base64, parsed);
    return parsed;
  });
}

const parsedCertificates = new Map<string, Certificate>();

export async function findProviderByOrganization(db: Db, organizationId: string): Promise<Provider | null> {
  const row = await db
    .selectFrom('auth_providers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row ? toProvider(row) : null;
}

export async function findProviderById(db: Db, id: string): Promise<Provider | null> {
  const row = await db.selectFrom('auth_providers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toProvider(row) : null;
}

export async function insertProvider(db: Db, p: Provider): Promise<void> {
  await db
    .insertInto('auth_providers')
    .values({
      id: p.id,
      organization_id: p.organizationId,
      kind: p.kind,
      status: p.status,
      idp_entity_id: p.entityId,
      sso_url: p.ssoUrl,
      sso_binding: p.ssoBinding,
      slo_url: p.sloUrl,
      slo_binding: p.sloBinding,
      slo_response_url: p.sloResponseUrl,
      signing_certificates: JSON.stringify(p.signingCertificates),
      metadata_source: p.metadataSource,
      metadata_url: p.metadataUrl,
      metadata_fetched_at: p.metadataFetchedAt,
      metadata_error: p.metadataError,
      attribute_mapping: JSON.stringify(p.mapping),
      require_sso: fromBool(p.requireSso),
      default_role: p.defaultRole,
      allow_idp_initiated: fromBool(p.allowIdpInitiated),
      session_hours: p.sessionHours,
      single_logout: fromBool(p.singleLogout),
      allow_sha1: fromBool(p.allowSha1),
      want_assertions_signed: fromBool(p.wantAssertionsSigned),
      sign_requests: fromBool(p.signRequests),
      idp_wants_requests_signed: fromBool(p.idpWantsRequestsSigned),
      send_to_idp: fromBool(p.sendToIdp),
      force_authn: fromBool(p.forceAuthn),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      activated_at: p.activatedAt,
    })
    .execute();
}

/** Replaces what the IdP is (after a metadata import or an edit by hand). */
export async function updateIdpSettings(
  db: Db,
  id: string,
  settings: IdpSettings & {
    metadataSource: MetadataSource;
    metadataUrl: string | null;
    metadataFetchedAt: string | null;
    updatedAt: string;
  },
): Promise<void> {
  await db
    .updateTable('auth_providers')
    .set({
      idp_entity_id: settings.entityId,
      sso_url: settings.ssoUrl,
      sso_binding: settings.ssoBinding,
      slo_url: settings.sloUrl,
      slo_binding: settings.sloBinding,
      slo_response_url: settings.sloResponseUrl,
      signing_certificates: JSON.stringify(settings.signingCertificates),
      idp_wants_requests_signed: fromBool(settings.idpWantsRequestsSigned),
      metadata_source: settings.metadataSource,
      metadata_url: settings.metadataUrl,
      metadata_fetched_at: settings.metadataFetchedAt,
      metadata_error: null,
      updated_at: settings.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Records a scheduled refresh's outcome only if nobody refreshed since `seenFetchedAt` (two instances
 * may run the timer): returns whether this call won.
 */
export async function updateAfterRefresh(
  db: Db,
  id: string,
  seenFetchedAt: string | null,
  change: { fetchedAt: string; error: string | null; settings: IdpSettings | null },
): Promise<boolean> {
  let query = db
    .updateTable('auth_providers')
    .set({
      metadata_fetched_at: change.fetchedAt,
      metadata_error: change.error,
      ...(change.settings
        ? {
            idp_entity_id: change.settings.entityId,
            sso_url: change.settings.ssoUrl,
            sso_binding: change.settings.ssoBinding,
            slo_url: change.settings.sloUrl,
            slo_binding: change.settings.sloBinding,
            slo_response_url: change.settings.sloResponseUrl,
            signing_certificates: JSON.stringify(change.settings.signingCertificates),
            idp_wants_requests_signed: fromBool(change.settings.idpWantsRequestsSigned),
          }
        : {}),
    })
    .where('id', '=', id);
  query =
    seenFetchedAt === null
      ? query.where('metadata_fetched_at', 'is', null)
      : query.where('metadata_fetched_at', '=', seenFetchedAt);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateMapping(
  db: Db,
  id: string,
  mapping: AttributeMapping,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('auth_providers')
    .set({ attribute_mapping: JSON.stringify(mapping), updated_at: updatedAt })
    .where('id', '=', id)
    .execute();
}

export async function updateOptions(
  db: Db,
  id: string,
  options: ProviderOptions,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('auth_providers')
    .set({
      require_sso: fromBool(options.requireSso),
      default_role: options.defaultRole,
      allow_idp_initiated: fromBool(options.allowIdpInitiated),
      session_hours: options.sessionHours,
      single_logout: fromBool(options.singleLogout),
      allow_sha1: fromBool(options.allowSha1),
      want_assertions_signed: fromBool(options.wantAssertionsSigned),
      sign_requests: fromBool(options.signRequests),
      send_to_idp: fromBool(options.sendToIdp),
      force_authn: fromBool(options.forceAuthn),
      updated_at: updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

/** pending → active; returns false when it was not pending (already active, or gone). */
export async function markActive(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('auth_providers')
    .set({ status: 'active', activated_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteProvider(db: Db, id: string): Promise<void> {
  await db.deleteFrom('identities').where('provider_id', '=', id).execute();
  await db.deleteFrom('pending_requests').where('provider_id', '=', id).execute();
  await db.deleteFrom('pending_links').where('provider_id', '=', id).execute();
  await db.deleteFrom('auth_providers').where('id', '=', id).execute();
}

export async function listProvidersWithMetadataUrl(db: Db): Promise<Provider[]> {
  const rows = await db
    .selectFrom('auth_providers')
    .selectAll()
    .where('metadata_url', 'is not', null)
    .execute();
  return rows.map(toProvider);
}
