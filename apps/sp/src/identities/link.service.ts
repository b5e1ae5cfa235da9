import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';
import { findMembership, insertMembership } from '../organizations/organizations.repository.ts';
import { findProviderById } from '../providers/providers.repository.ts';
import { createSsoSession } from '../sso/sso-sessions.repository.ts';
import {
  completePendingLink,
  findIdentity,
  findIdentityOfUser,
  insertIdentity,
  type PendingLink,
} from './identities.repository.ts';

/**
 * Links a pending identity to the account that has just proved itself (by its password, or by the
 * link emailed to it). Single use; returns the SSO session made for a password proof (the person is in
 * this browser), or null for an emailed link (whoever opens the mail signs in afresh).
 */
export async function completeLink(
  db: Db,
  clock: Clock,
  link: PendingLink,
  via: 'password' | 'emailed link',
): Promise<{ ssoSessionId: string | null }> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso(clock);
    if (!(await completePendingLink(trx, link.id, now))) {
      throw new SpError('link_invalid', 404, 'This link request was already used.');
    }
    const provider = await findProviderById(trx, link.providerId);
    if (!provider)
      throw new SpError('link_invalid', 404, 'This organization no longer uses this identity provider.');
    if (
      (await findIdentity(trx, provider.id, link.idpUserId)) ||
      (await findIdentityOfUser(trx, provider.id, link.userId))
    ) {
      throw new SpError(
        'link_invalid',
        409,
        'This identity, or this account, is already linked for this organization.',
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
    if (!(await findMembership(trx, link.organizationId, link.userId))) {
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
    if (via !== 'password' || link.sessionExpiresAt <= now) return { ssoSessionId: null };
    const ssoSessionId = await createSsoSession(trx, {
      userId: link.userId,
      organizationId: link.organizationId,
      providerId: provider.id,
      nameId: link.nameId,
      nameIdFormat: link.nameIdFormat,
      sessionIndex: link.sessionIndex,
      createdAt: now,
      expiresAt: link.sessionExpiresAt,
    });
    return { ssoSessionId };
  });
}
