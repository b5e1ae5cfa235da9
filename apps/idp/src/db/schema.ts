import type { Kysely } from 'kysely';

// The IdP's tables as Kysely sees them. Portable types only: ids are UUID text made in TypeScript,
// instants ISO-8601 text, booleans 0/1 integers, lists JSON text. Rows never leave the repositories.

export interface TenantsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface TenantDomainsTable {
  /** Lower case; a domain names one tenant (it can be used in place of the tenant id in URLs). */
  domain: string;
  tenant_id: string;
  is_default: number;
  created_at: string;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  user_principal_name: string;
  /** Lower-cased UPN: UPNs are unique case-insensitively. */
  upn_key: string;
  display_name: string;
  mail: string | null;
  given_name: string | null;
  surname: string | null;
  account_enabled: number;
  password_hash: string;
  failed_sign_ins: number;
  lockouts: number;
  locked_until: string | null;
  is_admin: number;
  created_at: string;
  updated_at: string;
  /** When the user was deleted (restorable for 30 days); null for a user who is not. */
  deleted_at: string | null;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  description: string | null;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  created_at: string;
}

export interface ApplicationsTable {
  /** Object id of the enterprise application (service principal). */
  id: string;
  /** Application (client) id: what URLs and metadata name. */
  app_id: string;
  tenant_id: string;
  display_name: string;
  gallery_template: string;
  enabled_for_sign_in: number;
  assignment_required: number;
  visible_to_users: number;
  sign_on_url: string | null;
  relay_state: string | null;
  logout_url: string | null;
  /** The SLO endpoint's ResponseLocation from SP metadata, when it has one (migration 0006). */
  logout_response_url: string | null;
  name_id_source: string;
  name_id_format: string;
  group_claim: string;
  group_claim_source: string;
  role_claim: number;
  signing_option: string;
  signing_algorithm: string;
  /** Accept RSA-SHA1 on the application's signed requests (migration 0005). */
  allow_sha1_requests: number;
  /** JSON array of addresses. */
  notification_emails: string;
  /** JSON array of base64 DER certificates from uploaded SP metadata. */
  sp_signing_certificates: string;
  created_at: string;
  updated_at: string;
}

export interface ApplicationIdentifiersTable {
  id: string;
  application_id: string;
  /** Denormalized so that uniqueness in the tenant is one index. */
  tenant_id: string;
  identifier: string;
  is_default: number;
  position: number;
}

export interface ReplyUrlsTable {
  id: string;
  application_id: string;
  url: string;
  url_index: number | null;
  is_default: number;
  position: number;
}

export interface ApplicationClaimsTable {
  id: string;
  application_id: string;
  position: number;
  name: string;
  namespace: string | null;
  source: string;
}

export interface AppRolesTable {
  id: string;
  application_id: string;
  display_name: string;
  value: string | null;
  description: string | null;
  created_at: string;
}

export interface AssignmentsTable {
  id: string;
  application_id: string;
  principal_type: string;
  principal_id: string;
  app_role_id: string;
  created_at: string;
}

export interface SigningCertificatesTable {
  id: string;
  application_id: string;
  certificate_pem: string;
  /** The private key PEM sealed with AES-256-GCM under IDP_SECRET_KEY. */
  private_key_sealed: string;
  thumbprint: string;
  not_before: string;
  expires_at: string;
  is_active: number;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string | null;
  actor_id: string | null;
  actor_name: string;
  category: string;
  activity: string;
  target_type: string;
  target_id: string | null;
  target_name: string;
  /** JSON object of what changed (never a password or key). */
  details: string;
  correlation_id: string | null;
  created_at: string;
}

export interface SignInLogsTable {
  id: string;
  tenant_id: string | null;
  user_id: string | null;
  user_principal_name: string | null;
  application_id: string | null;
  app_display_name: string | null;
  /** The Identifier (entity ID) the request came from, as sent. */
  app_identifier: string | null;
  result: string;
  error_code: string | null;
  failure_reason: string | null;
  /** The named check of the SSO pipeline that decided, e.g. `reply-url`. */
  check_name: string | null;
  correlation_id: string;
  request_id: string;
  ip_address: string | null;
  user_agent: string | null;
  created_at: string;
  /** SAML ids of the attempt (the AuthnRequest answered, the Response and Assertion issued), as the SP's log shows them. */
  authn_request_id: string | null;
  response_id: string | null;
  assertion_id: string | null;
}

export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  name: string;
  /** Hex SHA-256 of the token: the token itself is shown once and never stored. */
  token_hash: string;
  created_by_id: string | null;
  created_by_name: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
  revoked_at: string | null;
}

export interface InstallStateTable {
  key: string;
  value: string;
  created_at: string;
}

export interface IdpDatabase {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  applications: ApplicationsTable;
  application_identifiers: ApplicationIdentifiersTable;
  reply_urls: ReplyUrlsTable;
  application_claims: ApplicationClaimsTable;
  app_roles: AppRolesTable;
  assignments: AssignmentsTable;
  signing_certificates: SigningCertificatesTable;
  audit_log: AuditLogTable;
  sign_in_logs: SignInLogsTable;
  install_state: InstallStateTable;
  api_tokens: ApiTokensTable;
}

export type Db = Kysely<IdpDatabase>;

/** Runs `fn` in a transaction, or in the caller's when `db` already is one (nothing half-saved). */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export const bool = (value: boolean): number => (value ? 1 : 0);
