import type { Selectable } from 'kysely';
import type { ApplicationsTable, Db } from '../db/schema.ts';
import type { ClaimDefinition, GroupClaimMode, GroupClaimSource } from './claims.ts';

export type SigningOption = 'assertion' | 'response' | 'both';
export type SigningAlgorithm = 'sha256' | 'sha1';

export interface ReplyUrl {
  url: string;
  /** The AssertionConsumerServiceIndex an SP may name instead of the URL. */
  index: number | null;
  isDefault: boolean;
}

export interface Identifier {
  identifier: string;
  isDefault: boolean;
}

export interface Claim extends ClaimDefinition {
  id: string;
}

/** An enterprise application with its SAML single sign-on settings. */
export interface Application {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  galleryTemplate: string;
  enabledForSignIn: boolean;
  assignmentRequired: boolean;
  visibleToUsers: boolean;
  identifiers: Identifier[];
  replyUrls: ReplyUrl[];
  signOnUrl: string | null;
  relayState: string | null;
  logoutUrl: string | null;
  /**
   * Where LogoutResponses go when not to `logoutUrl`: the ResponseLocation of the SLO endpoint in the
   * uploaded SP metadata (SAML Metadata §2.2.2).
   */
  logoutResponseUrl: string | null;
  /** The binding of the Logout URL: HTTP-POST only when the SP's metadata offered nothing else. */
  logoutBinding: 'redirect' | 'post';
  nameIdSource: string;
  nameIdFormat: string;
  claims: Claim[];
  groupClaim: GroupClaimMode;
  groupClaimSource: GroupClaimSource;
  roleClaim: boolean;
  signingOption: SigningOption;
  signingAlgorithm: SigningAlgorithm;
  /** Entra's "Allow requests signed with RSA-SHA1": the algorithm of the SP's requests, not of our responses. */
  allowSha1Requests: boolean;
  notificationEmails: string[];
  /** Base64 DER certificates the SP signs its requests with (from uploaded SP metadata). */
  spSigningCertificates: string[];
  createdAt: string;
  updatedAt: string;
}

export type ApplicationSummary = Pick<
  Application,
  | 'id'
  | 'appId'
  | 'tenantId'
  | 'displayName'
  | 'galleryTemplate'
  | 'enabledForSignIn'
  | 'visibleToUsers'
  | 'createdAt'
>;

function summary(row: Selectable<ApplicationsTable>): ApplicationSummary {
  return {
    id: row.id,
    appId: row.app_id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    galleryTemplate: row.gallery_template,
    enabledForSignIn: row.enabled_for_sign_in === 1,
    visibleToUsers: row.visible_to_users === 1,
    createdAt: row.created_at,
  };
}

export async function listApplications(db: Db, tenantId: string, search = ''): Promise<ApplicationSummary[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  const term = search.trim().toLowerCase();
  return rows
    .map(summary)
    .filter((a) => !term || a.displayName.toLowerCase().includes(term) || a.appId === term);
}

async function load(db: Db, row: Selectable<ApplicationsTable> | undefined): Promise<Application | null> {
  if (!row) return null;
  const [identifiers, replyUrls, claims] = await Promise.all([
    db
      .selectFrom('application_identifiers')
      .select(['identifier', 'is_default'])
      .where('application_id', '=', row.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('reply_urls')
      .select(['url', 'url_index', 'is_default'])
      .where('application_id', '=', row.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('application_claims')
      .select(['id', 'name', 'namespace', 'source'])
      .where('application_id', '=', row.id)
      .orderBy('position')
      .execute(),
  ]);
  return {
    ...summary(row),
    assignmentRequired: row.assignment_required === 1,
    identifiers: identifiers.map((i) => ({ identifier: i.identifier, isDefault: i.is_default === 1 })),
    replyUrls: replyUrls.map((r) => ({ url: r.url, index: r.url_index, isDefault: r.is_default === 1 })),
    signOnUrl: row.sign_on_url,
    relayState: row.relay_state,
    logoutUrl: row.logout_url,
    logoutResponseUrl: row.logout_response_url,
    logoutBinding: row.logout_binding === 'post' ? 'post' : 'redirect',
    nameIdSource: row.name_id_source,
    nameIdFormat: row.name_id_format,
    claims: claims.map((c) => ({ id: c.id, name: c.name, namespace: c.namespace, source: c.source })),
    groupClaim: row.group_claim as GroupClaimMode,
    groupClaimSource: row.group_claim_source as GroupClaimSource,
    roleClaim: row.role_claim === 1,
    signingOption: row.signing_option as SigningOption,
    signingAlgorithm: row.signing_algorithm as SigningAlgorithm,
    allowSha1Requests: row.allow_sha1_requests === 1,
    notificationEmails: JSON.parse(row.notification_emails) as string[],
    spSigningCertificates: JSON.parse(row.sp_signing_certificates) as string[],
    updatedAt: row.updated_at,
  };
}

/** An application of the tenant by its object id. */
export async function findApplication(db: Db, tenantId: string, id: string): Promise<Application | null> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return load(db, row);
}

/** An application of the tenant by its application (client) id. */
export async function findApplicationByAppId(
  db: Db,
  tenantId: string,
  appId: string,
): Promise<Application | null> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('app_id', '=', appId.toLowerCase())
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return load(db, row);
}

/** The application of the tenant that has `identifier` among its Identifiers (exact match). */
export async function findApplicationByIdentifier(
  db: Db,
  tenantId: string,
  identifier: string,
): Promise<Application | null> {
  const found = await db
    .selectFrom('application_identifiers')
    .select('application_id')
    .where('tenant_id', '=', tenantId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
  return found ? findApplication(db, tenantId, found.application_id) : null;
}

/** The application (other than `exceptId`) that already uses one of `identifiers` in the tenant. */
export async function identifierOwner(
  db: Db,
  tenantId: string,
  identifier: string,
  exceptId: string | null,
): Promise<string | null> {
  let query = db
    .selectFrom('application_identifiers')
    .innerJoin('applications', 'applications.id', 'application_identifiers.application_id')
    .select('applications.display_name')
    .where('application_identifiers.tenant_id', '=', tenantId)
    .where('application_identifiers.identifier', '=', identifier);
  if (exceptId) query = query.where('application_identifiers.application_id', '!=', exceptId);
  const row = await query.executeTakeFirst();
  return row?.display_name ?? null;
}

export interface NewApplicationRow {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  galleryTemplate: string;
  notificationEmails: string[];
  at: string;
}

export async function insertApplication(db: Db, app: NewApplicationRow): Promise<void> {
  await db
    .insertInto('applications')
    .values({
      id: app.id,
      app_id: app.appId,
      tenant_id: app.tenantId,
      display_name: app.displayName,
      gallery_template: app.galleryTemplate,
      enabled_for_sign_in: 1,
      // Entra: "Assignment required?" is Yes for a new enterprise application.
      assignment_required: 1,
      visible_to_users: 1,
      sign_on_url: null,
      relay_state: null,
      logout_url: null,
      logout_response_url: null,
      name_id_source: 'user.userprincipalname',
      name_id_format: 'default',
      group_claim: 'none',
      group_claim_source: 'objectId',
      role_claim: 1,
      signing_option: 'assertion',
      signing_algorithm: 'sha256',
      allow_sha1_requests: 0,
      notification_emails: JSON.stringify(app.notificationEmails),
      sp_signing_certificates: '[]',
      created_at: app.at,
      updated_at: app.at,
    })
    .execute();
}

export interface ApplicationColumns {
  displayName?: string;
  enabledForSignIn?: boolean;
  assignmentRequired?: boolean;
  visibleToUsers?: boolean;
  signOnUrl?: string | null;
  relayState?: string | null;
  logoutUrl?: string | null;
  logoutResponseUrl?: string | null;
  logoutBinding?: 'redirect' | 'post';
  nameIdSource?: string;
  nameIdFormat?: string;
  groupClaim?: GroupClaimMode;
  groupClaimSource?: GroupClaimSource;
  roleClaim?: boolean;
  signingOption?: SigningOption;
  signingAlgorithm?: SigningAlgorithm;
  allowSha1Requests?: boolean;
  notificationEmails?: string[];
  spSigningCertificates?: string[];
}

export async function updateApplicationColumns(
  db: Db,
  id: string,
  change: ApplicationColumns,
  at: string,
): Promise<void> {
  const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);
  const json = (value: string[] | undefined) => (value === undefined ? undefined : JSON.stringify(value));
  await db
    .updateTable('applications')
    .set({
      display_name: change.displayName,
      enabled_for_sign_in: flag(change.enabledForSignIn),
      assignment_required: flag(change.assignmentRequired),
      visible_to_users: flag(change.visibleToUsers),
      sign_on_url: change.signOnUrl,
      relay_state: change.relayState,
      logout_url: change.logoutUrl,
      logout_response_url: change.logoutResponseUrl,
      logout_binding:
        change.logoutBinding === undefined ? undefined : change.logoutBinding === 'post' ? 'post' : null,
      name_id_source: change.nameIdSource,
      name_id_format: change.nameIdFormat,
      group_claim: change.groupClaim,
      group_claim_source: change.groupClaimSource,
      role_claim: flag(change.roleClaim),
      signing_option: change.signingOption,
      signing_algorithm: change.signingAlgorithm,
      allow_sha1_requests: flag(change.allowSha1Requests),
      notification_emails: json(change.notificationEmails),
      sp_signing_certificates: json(change.spSigningCertificates),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

export async function replaceIdentifiers(
  db: Db,
  app: { id: string; tenantId: string },
  identifiers: Identifier[],
): Promise<void> {
  await db.deleteFrom('application_identifiers').where('application_id', '=', app.id).execute();
  for (const [position, item] of identifiers.entries()) {
    await db
      .insertInto('application_identifiers')
      .values({
        id: crypto.randomUUID(),
        application_id: app.id,
        tenant_id: app.tenantId,
        identifier: item.identifier,
        is_default: item.isDefault ? 1 : 0,
        position,
      })
      .execute();
  }
}

export async function replaceReplyUrls(db: Db, applicationId: string, replyUrls: ReplyUrl[]): Promise<void> {
  await db.deleteFrom('reply_urls').where('application_id', '=', applicationId).execute();
  for (const [position, item] of replyUrls.entries()) {
    await db
      .insertInto('reply_urls')
      .values({
        id: crypto.randomUUID(),
        application_id: applicationId,
        url: item.url,
        url_index: item.index,
        is_default: item.isDefault ? 1 : 0,
        position,
      })
      .execute();
  }
}

export async function replaceClaims(
  db: Db,
  applicationId: string,
  claims: ReadonlyArray<ClaimDefinition & { id?: string }>,
): Promise<void> {
  await db.deleteFrom('application_claims').where('application_id', '=', applicationId).execute();
  for (const [position, claim] of claims.entries()) {
    await db
      .insertInto('application_claims')
      .values({
        id: claim.id ?? crypto.randomUUID(),
        application_id: applicationId,
        position,
        name: claim.name,
        namespace: claim.namespace,
        source: claim.source,
      })
      .execute();
  }
}

export async function deleteApplicationRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('applications').where('id', '=', id).execute();
}
