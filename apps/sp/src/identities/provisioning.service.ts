import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { findUserByEmail, findUserById, insertUser } from '../accounts/accounts.repository.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { addSeconds, nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { emailDomain } from '../domains/domain-name.ts';
import { organizationVerified } from '../domains/domains.service.ts';
import { insertMembership, type Organization } from '../organizations/organizations.repository.ts';
import type { MappedIdentity } from '../providers/attribute-mapping.ts';
import type { Provider } from '../providers/providers.repository.ts';
import { admission } from '../scim/admission.ts';
import {
  findIdentityOfUser,
  insertIdentity,
  insertPendingLink,
  touchIdentity,
} from './identities.repository.ts';

// Just-in-time provisioning and linking (security baselines 9 and 11). Identities are keyed by (the
// organization's provider, the IdP user id), never by email. An organization's IdP is trusted for that
// organization only: the email it asserts is a claim, not proof. So:
// - a domain the organization verified (DNS) is the organization's to speak for: a sign-in there
//   creates a Workspace-wide account with a verified address, or links to the one that verified it;
// - any other address gets an account scoped to the organization, which reserves the address nowhere
//   (the real owner can still register it) and is never the target of a link from elsewhere;
// - an existing Workspace-wide account with the address must prove itself first (its password, or a
//   link mailed to an address the Workspace verified, confirmed in this browser).

export type Resolution =
  /** A known identity, the setup admin, or a person created just now. */
  | { kind: 'user'; userId: string; created: boolean }
  /** An account with this email exists and must prove itself first. */
  | { kind: 'link-required'; pendingLinkId: string }
  /**
   * "Test and finish setup" came back as someone with another email address than the admin who
   * started it: the admin confirms before that identity becomes theirs (setup-identity.routes.ts).
   */
  | { kind: 'setup-confirmation'; pendingLinkId: string; userId: string };

export class IdentityConflict extends Error {
  readonly code = 'IDENTITY_CONFLICT';
}

const LINK_SECONDS = 30 * 60;

export interface Subject {
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string | null;
  sessionExpiresAt: string;
  nextPath: string;
}

async function ensureMember(
  trx: Db,
  clock: Clock,
  organization: Organization,
  provider: Provider,
  userId: string,
  email: string,
): Promise<void> {
  // A suspended member, or a newcomer while SCIM manages the organization, is refused (scim/admission.ts).
  if ((await admission(trx, organization.id, userId)) === 'member') return;
  await insertMembership(trx, {
    id: randomUUID(),
    organizationId: organization.id,
    userId,
    role: provider.defaultRole,
    createdAt: nowIso(clock),
  });
  await recordAudit(trx, clock, {
    organizationId: organization.id,
    actorUserId: null,
    action: 'member.added-by-jit',
    detail: { email, role: provider.defaultRole },
  });
}

/** Runs inside the ACS transaction. */
export async function resolveIdentity(
  trx: Db,
  clock: Clock,
  input: {
    organization: Organization;
    provider: Provider;
    mapped: MappedIdentity;
    subject: Subject;
    /** The owner or manager who started "Test and finish setup" in this browser. */
    setupUserId: string | null;
  },
): Promise<Resolution> {
  const { organization, provider, mapped } = input;
  const now = nowIso(clock);
  const known = await touchIdentity(trx, provider.id, mapped.idpUserId, { email: mapped.email, at: now });
  if (known) {
    await ensureMember(trx, clock, organization, provider, known.userId, mapped.email);
    return { kind: 'user', userId: known.userId, created: false };
  }
  if (input.setupUserId) {
    // The admin finishing setup signed in to the Workspace (password) and to the IdP in this browser.
    if (await findIdentityOfUser(trx, provider.id, input.setupUserId)) {
      throw new IdentityConflict(
        'Your account is already linked to another identity of this identity provider.',
      );
    }
    // Whoever the IdP signed in gets the admin's account (an owner's, often). An IdP session left over
    // from testing as someone else must not hand it over unseen: ask, naming both.
    const admin = await findUserById(trx, input.setupUserId);
    if (admin && admin.email !== mapped.email) {
      const pendingLinkId = randomUUID();
      await insertPendingLink(trx, {
        id: pendingLinkId,
        organizationId: organization.id,
        providerId: provider.id,
        idpUserId: mapped.idpUserId,
        userId: input.setupUserId,
        email: mapped.email,
        name: mapped.name,
        ...input.subject,
        createdAt: now,
        expiresAt: addSeconds(clock.now(), LINK_SECONDS).toISOString(),
      });
      return { kind: 'setup-confirmation', pendingLinkId, userId: input.setupUserId };
    }
    await insertIdentity(trx, {
      id: randomUUID(),
      providerId: provider.id,
      idpUserId: mapped.idpUserId,
      userId: input.setupUserId,
      email: mapped.email,
      at: now,
    });
    await recordAudit(trx, clock, {
      organizationId: organization.id,
      actorUserId: input.setupUserId,
      action: 'identity.linked',
      detail: { idpUserId: mapped.idpUserId, email: mapped.email, via: 'setup sign-in' },
    });
    return { kind: 'user', userId: input.setupUserId, created: false };
  }
  const vouched = await organizationVerified(trx, organization.id, emailDomain(mapped.email));
  const existing = await findUserByEmail(trx, mapped.email);
  if (existing && vouched && existing.emailVerified) {
    // The organization runs the address's domain, and the account proved it holds the address: both
    // speak for the same mailbox.
    await insertIdentity(trx, {
      id: randomUUID(),
      providerId: provider.id,
      idpUserId: mapped.idpUserId,
      userId: existing.id,
      email: mapped.email,
      at: now,
    });
    await recordAudit(trx, clock, {
      organizationId: organization.id,
      actorUserId: null,
      action: 'identity.linked',
      detail: { idpUserId: mapped.idpUserId, email: mapped.email, via: 'verified domain' },
    });
    await ensureMember(trx, clock, organization, provider, existing.id, mapped.email);
    return { kind: 'user', userId: existing.id, created: false };
  }
  if (existing) {
    // Refused now rather than after the account has proved itself.
    await admission(trx, organization.id, existing.id);
    const pendingLinkId = randomUUID();
    await insertPendingLink(trx, {
      id: pendingLinkId,
      organizationId: organization.id,
      providerId: provider.id,
      idpUserId: mapped.idpUserId,
      userId: existing.id,
      email: mapped.email,
      name: mapped.name,
      ...input.subject,
      createdAt: now,
      expiresAt: addSeconds(clock.now(), LINK_SECONDS).toISOString(),
    });
    return { kind: 'link-required', pendingLinkId };
  }
  const userId = await createProvisionedAccount(trx, clock, {
    organization,
    provider,
    idpUserId: mapped.idpUserId,
    email: mapped.email,
    name: mapped.name,
    scoped: !vouched,
  });
  return { kind: 'user', userId, created: true };
}

/**
 * A new account for an identity, linked and made a member: Workspace-wide with a verified address when
 * the organization verified the address's domain, else scoped to the organization.
 */
export async function createProvisionedAccount(
  trx: Db,
  clock: Clock,
  input: {
    organization: Organization;
    provider: Provider;
    idpUserId: string;
    email: string;
    name: string;
    scoped: boolean;
  },
): Promise<string> {
  const now = nowIso(clock);
  const user = await insertUser(trx, {
    id: randomUUID(),
    email: input.email,
    name: input.name,
    passwordHash: null,
    createdAt: now,
    emailVerifiedAt: input.scoped ? null : now,
    scopeOrganizationId: input.scoped ? input.organization.id : null,
  });
  await insertIdentity(trx, {
    id: randomUUID(),
    providerId: input.provider.id,
    idpUserId: input.idpUserId,
    userId: user.id,
    email: input.email,
    at: now,
  });
  await ensureMember(trx, clock, input.organization, input.provider, user.id, input.email);
  return user.id;
}
