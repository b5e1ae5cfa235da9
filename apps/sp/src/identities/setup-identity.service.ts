import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';
import { findProviderById, markActive } from '../providers/providers.repository.ts';
import { createSsoSession } from '../sso/sso-sessions.repository.ts';
import {
  completePendingLink,
  findIdentity,
  findIdentityOfUser,
  insertIdentity,
  type PendingLink,
} from './identities.repository.ts';

// The end of a setup sign-in that came back as someone with another email address than the admin who
// started it (provisioning.service.ts): the admin links that identity to their own account and SSO
// turns on, or declines and nothing is linked.

/**
 * Links the identity the IdP returned to the admin's account, turns the provider on (if still
 * pending) and makes the SSO session of that sign-in (null when the IdP's session already ended).
 */
export async function confirmSetupIdentity(
  db: Db,
  clock: Clock,
  link: PendingLink,
): Promise<{ ssoSessionId: string | null; activated: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso(clock);
    if (!(await completePendingLink(trx, link.id, now))) {
      throw new SpError('link_invalid', 404, 'This sign-in was already confirmed or declined.');
    }
    const provider = await findProviderById(trx, link.providerId);
    if (!provider || provider.organizationId !== link.organizationId) {
      throw new SpError('link_invalid', 404, 'This organization no longer uses this identity provider.');
    }
    if (await findIdentity(trx, provider.id, link.idpUserId)) {
      throw new SpError('link_invalid', 409, 'This identity is already linked for this organization.');
    }
    if (await findIdentityOfUser(trx, provider.id, link.userId)) {
      throw new SpError(
        'link_invalid',
        409,
        'Your account is already linked to another identity of this identity provider.',
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
      detail: { idpUserId: link.idpUserId, email: link.email, via: 'setup sign-in, confirmed' },
    });
    const activated = provider.status === 'pending' && (await markActive(trx, provider.id, now));
    if (activated) {
      await recordAudit(trx, clock, {
        organizationId: link.organizationId,
        actorUserId: link.userId,
        action: 'sso.enabled',
        detail: { provider: provider.kind, entityId: provider.entityId, via: 'setup sign-in' },
      });
    }
    if (link.sessionExpiresAt <= now) return { ssoSessionId: null, activated };
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
    return { ssoSessionId, activated };
  });
}

/** Declines: the pending identity is spent, nothing is linked, the provider stays as it was. */
export async function declineSetupIdentity(db: Db, clock: Clock, link: PendingLink): Promise<void> {
  await completePendingLink(db, link.id, nowIso(clock));
}
