// Kysely's view of Federa Workspace's tables. Portable types only: ids are UUID text made in
// TypeScript, instants ISO-8601 text, booleans 0/1 integers, structured values JSON text. These row
// types never leave the repositories.

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  /** Null for accounts created just in time by SSO (they have no password until they set one). */
  password_hash: string | null;
  failed_sign_ins: number;
  locked_until: string | null;
  created_at: string;
  /** When the Workspace itself verified the address (a mailed link, or a domain the organization verified). */
  email_verified_at: string | null;
  /**
   * Null: a Workspace-wide account, whose email is unique. Else the one organization whose IdP made this
   * account for an address it had not proven: it reserves no address and is never the target of a link.
   */
  scope_organization_id: string | null;
}

export interface EmailVerificationsTable {
  id: string;
  user_id: string;
  email: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface OrganizationDomainsTable {
  id: string;
  organization_id: string;
  /** Lower-case ASCII (punycode), no trailing dot. */
  domain: string;
  /** The value of the TXT record that proves the organization runs the domain. */
  token: string;
  created_at: string;
  verified_at: string | null;
  checked_at: string | null;
  check_error: string | null;
}

export interface OrganizationsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface MembershipsTable {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  created_at: string;
  /** Set while the member is suspended (SCIM `active: false`, migration 0013): refused everywhere. */
  suspended_at: string | null;
  /** The SCIM userName, lower-cased (migration 0013); null for members SCIM never saw. */
  scim_user_name: string | null;
  /** JSON of the other SCIM attributes the client sent (migration 0013), returned as sent. */
  scim_attributes: string | null;
}

export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
}

export interface AuthProvidersTable {
  id: string;
  organization_id: string;
  /** 'active-directory' | 'saml2' */
  kind: string;
  /** 'pending' until the first SSO sign-in, then 'active'. */
  status: string;
  idp_entity_id: string;
  sso_url: string;
  sso_binding: string;
  slo_url: string | null;
  slo_binding: string | null;
  /** The SingleLogoutService's ResponseLocation, when the IdP's metadata gives one (migration 0008). */
  slo_response_url: string | null;
  /** JSON array of base64 DER certificates: every signing certificate is trusted (rollover). */
  signing_certificates: string;
  /** 'url' | 'xml' | 'manual' */
  metadata_source: string;
  metadata_url: string | null;
  metadata_fetched_at: string | null;
  metadata_error: string | null;
  /** JSON: { userId: string | null (null: the NameID), email, firstName, lastName }. */
  attribute_mapping: string;
  require_sso: number;
  default_role: string;
  allow_idp_initiated: number;
  session_hours: number;
  single_logout: number;
  /** Accept RSA-SHA1 signatures and SHA-1 digests from the IdP (migration 0007; off unless an admin turns it on). */
  allow_sha1: number;
  /** Refuse an unsigned Assertion inside a signed Response (migration 0009). */
  want_assertions_signed: number;
  /** The owner turned AuthnRequest signing on (migration 0009). */
  sign_requests: number;
  /** The IdP's metadata says WantAuthnRequestsSigned="true" (migration 0009). */
  idp_wants_requests_signed: number;
  /** Send signed-out people straight to the IdP from the organization's pages (migration 0010). */
  send_to_idp: number;
  /** Ask the IdP to authenticate again at every sign-in: ForceAuthn="true" (migration 0016). */
  force_authn: number;
  created_at: string;
  updated_at: string;
  activated_at: string | null;
}

export interface IdentitiesTable {
  id: string;
  provider_id: string;
  idp_user_id: string;
  user_id: string;
  email: string;
  created_at: string;
  last_seen_at: string;
}

export interface PendingRequestsTable {
  /** The AuthnRequest ID. */
  id: string;
  organization_id: string;
  provider_id: string;
  /** SHA-256 of the `federa_ws_sso` cookie value of the browser that started the sign-in. */
  browser_hash: string;
  /** 'login' | 'setup' */
  purpose: string;
  user_id: string | null;
  next_path: string;
  /** The key (SHA-256 of the id) of the browser's session when the sign-in started; null without one. */
  session_hash: string | null;
  created_at: string;
  expires_at: string;
}

export interface ConsumedAssertionsTable {
  issuer: string;
  assertion_id: string;
  organization_id: string;
  consumed_at: string;
  expires_at: string;
}

export interface SsoSessionsTable {
  id: string;
  user_id: string;
  organization_id: string;
  provider_id: string;
  name_id: string;
  name_id_format: string;
  session_index: string | null;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  /** The assertion's AuthnInstant: the last interactive sign-in at the IdP (migration 0016). */
  authn_instant: string | null;
  /** JSON array of the authnmethodsreferences the IdP sent (migration 0016). */
  authn_methods: string | null;
}

export interface PendingLinksTable {
  id: string;
  organization_id: string;
  provider_id: string;
  idp_user_id: string;
  /** The existing account that must prove itself before the identity is linked. */
  user_id: string;
  email: string;
  name: string;
  /** The SAML subject, for the SSO session made once the account has proved itself. */
  name_id: string;
  name_id_format: string;
  session_index: string | null;
  session_expires_at: string;
  next_path: string;
  email_token_hash: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

export interface SsoAttemptsTable {
  /** The request's correlation id: the reference shown to the person in the browser. */
  id: string;
  organization_id: string | null;
  organization_slug: string;
  created_at: string;
  /** 'success' | 'failure' */
  outcome: string;
  /** The ACS check that failed (or the last one, on success). */
  check_name: string;
  error_code: string | null;
  message: string | null;
  /** JSON object of the error's private detail (never the SAML message). */
  detail: string | null;
  idp_user_id: string | null;
  user_id: string | null;
  /** SAML ids of the attempt (InResponseTo, Response ID, Assertion ID), as the IdP's log shows them. */
  authn_request_id: string | null;
  response_id: string | null;
  assertion_id: string | null;
  /** Who, as the attribute mapping read them (null before the mapping ran). */
  subject_name: string | null;
  subject_email: string | null;
}

export interface AuditLogTable {
  id: string;
  organization_id: string;
  actor_user_id: string | null;
  action: string;
  /** JSON object. */
  detail: string;
  created_at: string;
}

export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  created_at: string;
  /** Set on the message that verifies this account's address (shown to it before it is verified). */
  verifies_user_id: string | null;
}

/** "Lost your password?" links (migration 0015): the SHA-256 of each token, used once. */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  /** The address it was mailed to: the link dies if the account's address changes. */
  email: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  data: string;
  expires_at: string;
}

/** An organization's SP signing key (migration 0009): published in its SP metadata, signs its requests. */
export interface SpSigningKeysTable {
  id: string;
  organization_id: string;
  certificate_pem: string;
  /** AES-256-GCM under SP_SECRET_KEY, bound to the row's id (request-signing/secret-box.ts). */
  private_key_sealed: string;
  created_at: string;
  /** Migration 0017, rollover: at most one of each per organization. */
  status: SpSigningKeyStatus;
}

/** `active` signs; `next` is published before it signs; `previous` is published after it signed. */
export type SpSigningKeyStatus = 'active' | 'next' | 'previous';

/** A team of an organization (migration 0012); SCIM Groups are teams. */
export interface TeamsTable {
  id: string;
  organization_id: string;
  slug: string;
  name: string;
  /** The IdP's id of the group a SCIM client provisioned. */
  external_id: string | null;
  idp_provisioned: number;
  created_at: string;
  updated_at: string;
}

export interface TeamMembersTable {
  team_id: string;
  membership_id: string;
  created_at: string;
}

/** An organization's SCIM bearer token, as its SHA-256 (migration 0013). */
export interface ScimTokensTable {
  organization_id: string;
  /** The SSO provider SCIM stands on: the token goes when SSO is disabled. */
  provider_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
}

export interface Schema {
  users: UsersTable;
  email_verifications: EmailVerificationsTable;
  password_resets: PasswordResetsTable;
  organization_domains: OrganizationDomainsTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  auth_providers: AuthProvidersTable;
  identities: IdentitiesTable;
  pending_requests: PendingRequestsTable;
  consumed_assertions: ConsumedAssertionsTable;
  sso_sessions: SsoSessionsTable;
  pending_links: PendingLinksTable;
  sso_attempts: SsoAttemptsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  sp_signing_keys: SpSigningKeysTable;
  sessions: SessionsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  scim_tokens: ScimTokensTable;
}
