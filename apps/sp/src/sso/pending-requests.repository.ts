import type { Db } from '../db/db.ts';

export type SsoPurpose = 'login' | 'setup';

export interface PendingRequest {
  id: string;
  organizationId: string;
  providerId: string;
  purpose: SsoPurpose;
  /** For a setup, the admin who started it (who must be the one signing in); null for a login. */
  userId: string | null;
  nextPath: string;
  /** The browser's session when the sign-in started (its row's key), which the sign-in replaces. */
  sessionHash: string | null;
  expiresAt: string;
}

export async function insertPendingRequest(
  db: Db,
  request: PendingRequest & { browserHash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('pending_requests')
    .values({
      id: request.id,
      organization_id: request.organizationId,
      provider_id: request.providerId,
      browser_hash: request.browserHash,
      purpose: request.purpose,
      user_id: request.userId,
      next_path: request.nextPath,
      session_hash: request.sessionHash,
      created_at: request.createdAt,
      expires_at: request.expiresAt,
    })
    .execute();
}

/** The requests this browser has pending at this organization, unexpired. */
export async function listPendingRequests(
  db: Db,
  organizationId: string,
  browserHash: string,
  now: string,
): Promise<PendingRequest[]> {
  const rows = await db
    .selectFrom('pending_requests')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('browser_hash', '=', browserHash)
    .where('expires_at', '>', now)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    providerId: r.provider_id,
    purpose: r.purpose as SsoPurpose,
    userId: r.user_id,
    nextPath: r.next_path,
    sessionHash: r.session_hash,
    expiresAt: r.expires_at,
  }));
}

/** Consumes a pending request: true for the one caller that deleted it. */
export async function consumePendingRequest(db: Db, id: string, browserHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('pending_requests')
    .where('id', '=', id)
    .where('browser_hash', '=', browserHash)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
