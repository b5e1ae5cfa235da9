import type { Db } from '../db/schema.ts';
import { type SignInLogEntry, type SignInResult, toSignInLogEntry } from './sign-in-logs.repository.ts';

export interface SignInLogSearch {
  result?: SignInResult | null;
  applicationId?: string | null;
  /** A user's object id … */
  userId?: string | null;
  /** … or the user name as typed (also for attempts with an unknown user name), case-insensitive. */
  userPrincipalName?: string | null;
  /** ISO-8601: entries at or after. */
  since?: string | null;
  /** Entries strictly older than this position (newest first), from the previous page. */
  after?: { createdAt: string; id: string } | null;
  limit: number;
}

/**
 * One page of a tenant's sign-in log, newest first (created_at, then id, both descending: a stable
 * order for keyset pagination). Returns at most `limit` entries and whether more follow.
 */
export async function searchSignInLogs(
  db: Db,
  tenantId: string,
  search: SignInLogSearch,
): Promise<{ entries: SignInLogEntry[]; more: boolean }> {
  let query = db.selectFrom('sign_in_logs').selectAll().where('tenant_id', '=', tenantId);
  if (search.result) query = query.where('result', '=', search.result);
  if (search.applicationId) query = query.where('application_id', '=', search.applicationId);
  if (search.userId) query = query.where('user_id', '=', search.userId);
  if (search.userPrincipalName) {
    const name = search.userPrincipalName.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', ['user_principal_name']), '=', name));
  }
  if (search.since) query = query.where('created_at', '>=', search.since);
  const after = search.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(search.limit + 1)
    .execute();
  const entries = rows.slice(0, search.limit).map(toSignInLogEntry);
  return { entries, more: rows.length > search.limit };
}
