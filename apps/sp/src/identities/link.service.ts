import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';
import { findOrganizationById, insertMembership } from '../organizations/organizations.repository.ts';
import { findProviderById, type Provider } from '../providers/providers.repository.ts';
import { admission, MembershipRefused, membershipRefusedError } from '../scim/admission.ts';
import { createSsoSession } from '../sso/sso-sessions.repository.ts';
import {
  completePendingLink,
  findIdentity,
  findIdentityOfUser,
  insertIdentity,
  type PendingLink,
} from './identities.repository.ts';
import { createProvisionedAccount } from './provisioning.service.ts';

/** How a pending identity ends: linked to the account that proved itself, or given an account of its own. */
export type LinkOutcome = { via: 'password' | 'emailed link' } | { via: 'separate account' };

/**
 * Ends a pending link, once, in the browser that signed in through the IdP: links the identity to the
 * account that has just proved itself (by its password, or by the link mailed to its verified address),
 * or makes the person an account scoped to the organization instead. Returns the account signed in and
 * the SSO session made for it (null when the IdP's session has already ended).
 */
export async function completeLink(
  db: Db,
  clock: Clock,
  link: PendingLink,
  outcome: LinkOutcome,
): Promise<{ userId: string; ssoSessionId: string | null }> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso(clock);
    if (!(await completePendingLink(trx, link.id, now))) {
      throw new SpError('link_invalid', 404, 'This link request was already used.');
    }
    const provider = await findProviderById(trx, link.providerId);
    const organization = await findOrganizationById(trx, link.organizationId);
    if (!provider || !organization)
      throw new SpError('link_invalid', 404, 'This organization no longer uses this identity provider.');
    if (await findIdentity(trx, provider.id, link.idpUserId)) {
      throw new SpError('link_invalid', 409, 'This identity is already linked for this organization.');
    }
    let userId: string;
    try {
      if (outcome.via === 'separate account') {
        userId = await createProvisionedAccount(trx, clock, {
          organization,
          provider,
          idpUserId: link.idpUserId,
          email: link.email,
          name: link.name,
          scoped: true,
        });
      } else {
        userId = link.userId;
        await linkToAccount(trx, clock, provider, link, outcome.via, now);
      }
    } catch (error) {
      if (error instanceof MembershipRefused) throw membershipRefusedError(error, organization.name);
      throw error;
    }
    if (link.sessionExpiresAt <= now) return { userId, ssoSessionId: null };
    const ssoSessionId = await createSsoSession(trx, {
      userId,
      organizationId: link.organizationId,
      providerId: provider.id,
      nameId: link.nameId,
      nameIdFormat: link.nameIdFormat,
      sessionIndex: link.sessionIndex,
      createdAt: now,
      expiresAt: link.sessionExpiresAt,
    });
    return { userId, ssoSessionId };
  });
}

async function linkToAccount(
  trx: Db,
  clock: Clock,
  provider: Provider,
  link: PendingLink,
  via: 'password' | 'emailed link',
  now: string,
): Promise<void> {
  if (await findIdentityOfUser(trx, provider.id, link.userId)) {
    throw new SpError(
      'link_invalid',
      409,
      'This account is already linked to another identity of this organization’s identity provider.',
    );
  }
  await insertIdentity(trx, {
    id: randomUUID(),
    providerId: provider.id,
    idpUserId: link.idpUserId,
    userId: link.userId,
    email: link.email,
    at: now,
  });
  await recordAudit(trx, clock, {
    organizationId: link.organizationId,
    actorUserId: link.userId,
    action: 'identity.linked',
    detail: { idpUserId: link.idpUserId, email: link.email, via },
  });
  if ((await admission(trx, link.organizationId, link.userId)) === 'member') return;
  await insertMembership(trx, {
    id: randomUUID(),
    organizationId: link.organizationId,
    userId: link.userId,
    role: provider.defaultRole,
    createdAt: now,
  });
  await recordAudit(trx, clock, {
    organizationId: link.organizationId,
    actorUserId: null,
    action: 'member.added-by-jit',
    detail: { email: link.email, role: provider.defaultRole },
  });
}
