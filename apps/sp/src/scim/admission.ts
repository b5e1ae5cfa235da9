import type { Db } from '../db/db.ts';
import { memberSuspended, SpError } from '../errors.ts';
import { findMembership } from '../organizations/organizations.repository.ts';
import { scimEnabled } from './scim-tokens.repository.ts';

// Who an SSO sign-in may let into an organization once SCIM may manage it. A suspended member is
// refused (SCIM `active: false` is loss of access, not a formality). While SCIM is enabled the
// directory decides who is a member: just-in-time provisioning makes no new memberships, so a person
// SCIM removed is not made a member again by their next sign-in. (Sentry keeps JIT on beside SCIM;
// we do not, because then unassigning someone in Entra would last only until they signed in again.)

export type AdmissionCode = 'MEMBER_SUSPENDED' | 'MEMBER_NOT_PROVISIONED';

export class MembershipRefused extends Error {
  readonly code: AdmissionCode;
  constructor(code: AdmissionCode) {
    super(
      code === 'MEMBER_SUSPENDED'
        ? 'The membership is suspended by the organization’s directory (SCIM).'
        : 'The organization provisions its members by SCIM, and this person was not provisioned.',
    );
    this.name = 'MembershipRefused';
    this.code = code;
  }
}

/**
 * Whether `userId` (null: an account not made yet) may sign in to the organization: 'member' when
 * already an active member, 'join' when just-in-time provisioning may make them one.
 *
 * @throws {MembershipRefused} when suspended, or not a member while SCIM manages the organization.
 */
export async function admission(
  db: Db,
  organizationId: string,
  userId: string | null,
): Promise<'member' | 'join'> {
  const membership = userId ? await findMembership(db, organizationId, userId) : null;
  if (membership?.suspended) throw new MembershipRefused('MEMBER_SUSPENDED');
  if (membership) return 'member';
  if (await scimEnabled(db, organizationId)) throw new MembershipRefused('MEMBER_NOT_PROVISIONED');
  return 'join';
}

/** The page a refused sign-in outside the ACS shows (the ACS has its own, acs/failure.pages.ts). */
export function membershipRefusedError(error: MembershipRefused, organizationName: string): SpError {
  if (error.code === 'MEMBER_SUSPENDED') return memberSuspended(organizationName);
  return new SpError(
    'member_not_provisioned',
    403,
    `${organizationName} adds its members from its directory, and you are not one of them. Ask your administrator to assign you to the application in your organization’s identity provider.`,
  );
}
