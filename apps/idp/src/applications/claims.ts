import { NAMEID_FORMAT } from '@federa/saml';
import type { User } from '../users/users.repository.ts';

/** The claim namespace Entra uses for its default claims (WS-Federation identity claims). */
export const CLAIM_NAMESPACE = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
export const GROUPS_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
export const ROLE_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';
export const PASSWORD_AMR = 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password';

/** User attributes a claim or the NameID can take its value from, as Entra names them. */
export const USER_ATTRIBUTES: ReadonlyArray<{ source: string; read: (user: User) => string | null }> = [
  { source: 'user.userprincipalname', read: (u) => u.userPrincipalName },
  { source: 'user.mail', read: (u) => u.mail },
  { source: 'user.givenname', read: (u) => u.givenName },
  { source: 'user.surname', read: (u) => u.surname },
  { source: 'user.displayname', read: (u) => u.displayName },
  { source: 'user.objectid', read: (u) => u.id },
];

export function isUserAttribute(source: string): boolean {
  return USER_ATTRIBUTES.some((a) => a.source === source);
}

/** The attribute's value for `user`, or null when it is empty (such a claim is left out, as Entra does). */
export function readAttribute(user: User, source: string): string | null {
  const value = USER_ATTRIBUTES.find((a) => a.source === source)?.read(user) ?? null;
  return value === null || value.trim() === '' ? null : value;
}

export interface ClaimDefinition {
  name: string;
  namespace: string | null;
  source: string;
}

/** Entra's additional claims for a new SAML application, in the order Entra emits them. */
export const DEFAULT_CLAIMS: readonly ClaimDefinition[] = [
  { name: 'givenname', namespace: CLAIM_NAMESPACE, source: 'user.givenname' },
  { name: 'surname', namespace: CLAIM_NAMESPACE, source: 'user.surname' },
  { name: 'emailaddress', namespace: CLAIM_NAMESPACE, source: 'user.mail' },
  { name: 'name', namespace: CLAIM_NAMESPACE, source: 'user.userprincipalname' },
];

export function claimUri(claim: { name: string; namespace: string | null }): string {
  return claim.namespace ? `${claim.namespace.replace(/\/+$/, '')}/${claim.name}` : claim.name;
}

export const WINDOWS_DOMAIN_QUALIFIED_NAME =
  'urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName';

/** The NameID formats an admin can choose ('default': emailAddress unless the SP asks for another). */
export const NAME_ID_FORMATS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'default', label: 'Default' },
  { value: NAMEID_FORMAT.emailAddress, label: 'Email address' },
  { value: NAMEID_FORMAT.persistent, label: 'Persistent' },
  { value: NAMEID_FORMAT.unspecified, label: 'Unspecified' },
  { value: NAMEID_FORMAT.transient, label: 'Transient' },
  { value: WINDOWS_DOMAIN_QUALIFIED_NAME, label: 'Windows domain qualified name' },
];

/** Formats an SP may ask for in NameIDPolicy; any other is refused with InvalidNameIDPolicy. */
export const SUPPORTED_REQUESTED_FORMATS: readonly string[] = [
  NAMEID_FORMAT.unspecified,
  NAMEID_FORMAT.emailAddress,
  NAMEID_FORMAT.persistent,
  NAMEID_FORMAT.transient,
  WINDOWS_DOMAIN_QUALIFIED_NAME,
];

export type GroupClaimMode = 'none' | 'all' | 'assigned';
export type GroupClaimSource = 'objectId' | 'displayName';

export const GROUP_CLAIM_MODES: ReadonlyArray<{ value: GroupClaimMode; label: string }> = [
  { value: 'none', label: 'None' },
  { value: 'all', label: 'All groups' },
  { value: 'assigned', label: 'Groups assigned to the application' },
];

export const GROUP_CLAIM_SOURCES: ReadonlyArray<{ value: GroupClaimSource; label: string }> = [
  { value: 'objectId', label: 'Group ID' },
  { value: 'displayName', label: 'Cloud-only group display names' },
];
