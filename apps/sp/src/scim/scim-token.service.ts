import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { deleteScimToken, findScimToken, saveScimToken } from './scim-tokens.repository.ts';

// An organization's SCIM bearer token: 32 random bytes, shown once to the admin who made it and kept
// only as its SHA-256. A token authenticates at its own organization only (it is compared with that
// organization's hash), and making a new one replaces the old, which stops working at once.

/** The SCIM base URL an IdP is given as its Tenant URL (Sentry's path). */
export function scimBaseUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/api/0/organizations/${slug}/scim/v2/`;
}

const hash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Makes the organization's token (enabling SCIM, or regenerating it): returns the token, which is
 * not kept anywhere.
 */
export async function issueScimToken(
  db: Db,
  clock: Clock,
  input: { organizationId: string; providerId: string; actorUserId: string },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    const previous = await findScimToken(trx, input.organizationId);
    await saveScimToken(trx, {
      organizationId: input.organizationId,
      providerId: input.providerId,
      tokenHash: hash(token).toString('hex'),
      createdBy: input.actorUserId,
      createdAt: nowIso(clock),
    });
    await recordAudit(trx, clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: previous ? 'scim.token-regenerated' : 'scim.enabled',
    });
  });
  return token;
}

export async function disableScim(
  db: Db,
  clock: Clock,
  input: { organizationId: string; actorUserId: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await deleteScimToken(trx, input.organizationId))) return;
    await recordAudit(trx, clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'scim.disabled',
    });
  });
}

/** Whether `presented` is the organization's token (constant time over the hashes). */
export async function isScimToken(db: Db, organizationId: string, presented: string): Promise<boolean> {
  const stored = await findScimToken(db, organizationId);
  if (!stored) return false;
  const expected = Buffer.from(stored.tokenHash, 'hex');
  const actual = hash(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
