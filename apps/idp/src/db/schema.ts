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
  /** Sessions signed in before this instant are over (0016-password-reset; Graph's signInSessionsValidFromDateTime). */
  sign_in_sessions_valid_from: string | null;
  /** Entra's passwordProfile.forceChangePasswordNextSignIn: 1 for a temporary password (0015-temporary-passwords). */
  force_change_password_next_sign_in: number;
}

/** Self-service password reset policy of a tenant (0016-password-reset): none, selected (one group) or all. */
export interface TenantPasswordResetTable {
  tenant_id: string;
  enabled_for: string;
  group_id: string | null;
  updated_at: string;
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
  /** `post` when the Logout URL takes HTTP-POST only; null: HTTP-Redirect (migration 0011). */
  logout_binding: string | null;
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
  /** Graph's signIn.authenticationRequirement: singleFactorAuthentication or multiFactorAuthentication (migration 0009-mfa). */
  authentication_requirement: string | null;
  /** JSON array of Graph's authenticationDetail: each factor, when, and whether it succeeded (migration 0009-mfa). */
  authentication_details: string | null;
  /** Graph's signIn.conditionalAccessStatus: success, failure or notApplied (migration 0010). */
  conditional_access_status: string | null;
  /** JSON: what each Conditional Access policy decided, the named locations matched (migration 0010). */
  conditional_access: string | null;
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

/** A named location (Graph: ipNamedLocation); `ip_ranges` is a JSON array of CIDR strings. */
export interface CaNamedLocationsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  is_trusted: number;
  ip_ranges: string;
  created_at: string;
  modified_at: string | null;
}

/** A Conditional Access policy; `policy` is its conditions, grant and session controls as Graph's JSON. */
export interface CaPoliciesTable {
  id: string;
  tenant_id: string;
  display_name: string;
  state: string;
  policy: string;
  created_at: string;
  modified_at: string | null;
}

/** A user's authentication method (migration 0009-mfa); `secret_sealed` is the TOTP key sealed under IDP_SECRET_KEY. */
export interface AuthenticationMethodsTable {
  id: string;
  user_id: string;
  /** `totp` (authenticator app). */
  kind: string;
  display_name: string;
  secret_sealed: string | null;
  created_at: string;
  last_used_at: string | null;
}

/**
 * A passkey's WebAuthn credential (migration 0013-passkeys), beside its `authentication_methods` row
 * (kind `passkey`, same id): the public key, never a secret.
 */
export interface PasskeyCredentialsTable {
  method_id: string;
  user_id: string;
  /** base64url credential id, unique. */
  credential_id: string;
  /** base64url COSE public key. */
  public_key: string;
  /** The signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  /** JSON array of transports (`internal`, `usb`, `hybrid`, …). */
  transports: string;
  aaguid: string;
  /** WebAuthn's BE (backup eligible) and BS (backed up) flags, 0 or 1. */
  backup_eligible: number;
  backed_up: number;
}

/** A user's MFA state (migration 0009-mfa): per-user MFA, the last TOTP time-step accepted. */
export interface UserMfaTable {
  user_id: string;
  /** `disabled`, `enabled` or `enforced` (Entra's legacy per-user MFA). */
  per_user_state: string;
  totp_last_step: number | null;
  /** When a sign-in first asked this user to register (security defaults' 14 days run from it). */
  registration_prompted_at: string | null;
  updated_at: string;
}

/** A tenant's security defaults (migration 0009-mfa); no row = off. */
/** A tenant's user settings (migration 0014-keep-signed-in): Entra's "Show keep user signed in". */
export interface TenantUserSettingsTable {
  tenant_id: string;
  show_keep_signed_in: number;
  updated_at: string;
}

export interface TenantSecurityDefaultsTable {
  tenant_id: string;
  enabled: number;
  updated_at: string;
}

/** An enterprise application's automatic provisioning (migration 0012-provisioning); `secret_sealed` under IDP_SECRET_KEY. */
export interface ProvisioningConfigsTable {
  application_id: string;
  tenant_id: string;
  /** `manual` or `automatic`. */
  mode: string;
  tenant_url: string | null;
  secret_sealed: string | null;
  /** `assigned` (sync only assigned users and groups) or `all`. */
  scope: string;
  provision_groups: number;
  /** `on` or `off`. */
  status: string;
  /** JSON array of attribute mappings (provisioning/mappings.ts). */
  user_mappings: string;
  notify_on_failure: number;
  initial_done: number;
  /** The newest directory change (audit time) the last cycle started after. */
  changes_seen_at: string | null;
  next_run_at: string | null;
  last_cycle_at: string | null;
  /** JSON: the last cycle's counts. */
  last_cycle_summary: string | null;
  consecutive_failures: number;
  quarantined_at: string | null;
  quarantine_reason: string | null;
  quarantine_notified: number;
  updated_at: string;
}

/** Who runs an application's provisioning cycle now (one instance at a time), until when. */
export interface ProvisioningLeasesTable {
  application_id: string;
  holder: string;
  expires_at: string;
}

/** What was synced of one user or group to the target: its id there, the values sent, their hash. */
export interface ProvisioningObjectsTable {
  application_id: string;
  /** `user` or `group`. */
  object_type: string;
  source_id: string;
  target_id: string;
  /** `active`, `disabled`. */
  state: string;
  /** JSON of the attribute values (or member target ids) last synced. */
  synced: string;
  hash: string;
  updated_at: string;
}

/** One provisioning action (Entra's provisioning logs). */
export interface ProvisioningLogsTable {
  id: string;
  application_id: string;
  tenant_id: string;
  cycle_id: string;
  object_type: string;
  source_id: string;
  source_name: string;
  /** create, update, disable, delete, skip, other. */
  action: string;
  /** success, failure, skipped. */
  status: string;
  target_id: string | null;
  /** JSON object: attribute path → value sent. */
  changed: string;
  error: string | null;
  created_at: string;
}

export interface InstallStateTable {
  key: string;
  value: string;
  created_at: string;
}

export interface IdpDatabase {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  tenant_user_settings: TenantUserSettingsTable;
  tenant_password_reset: TenantPasswordResetTable;
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
  authentication_methods: AuthenticationMethodsTable;
  user_mfa: UserMfaTable;
  tenant_security_defaults: TenantSecurityDefaultsTable;
  ca_named_locations: CaNamedLocationsTable;
  ca_policies: CaPoliciesTable;
  provisioning_configs: ProvisioningConfigsTable;
  provisioning_leases: ProvisioningLeasesTable;
  provisioning_objects: ProvisioningObjectsTable;
  provisioning_logs: ProvisioningLogsTable;
  passkey_credentials: PasskeyCredentialsTable;
}

export type Db = Kysely<IdpDatabase>;

/** Runs `fn` in a transaction, or in the caller's when `db` already is one (nothing half-saved). */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export const bool = (value: boolean): number => (value ? 1 : 0);
