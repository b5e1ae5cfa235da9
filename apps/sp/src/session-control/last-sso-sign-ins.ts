import type { Db } from '../db/db.ts';

export interface LastSsoSignIn {
  /** When the Workspace received the sign-in. */
  at: string;
  /** The IdP's AuthnInstant: when the person last authenticated there (may be earlier than `at`). */
  authnInstant: string | null;
  /** The authnmethodsreferences the IdP sent, as URIs. */
  methods: string[];
}

/** Each of `userIds`' most recent SSO sign-in to the organization (none for those who never did). */
export async function lastSsoSignIns(
  db: Db,
  organizationId: string,
  userIds: readonly string[],
): Promise<Map<string, LastSsoSignIn>> {
  const found = new Map<string, LastSsoSignIn>();
  if (userIds.length === 0) return found;
  const rows = await db
    .selectFrom('sso_sessions')
    .select(['user_id', 'created_at', 'authn_instant', 'authn_methods'])
    .where('organization_id', '=', organizationId)
    .where('user_id', 'in', userIds)
    .orderBy('created_at', 'desc')
    .execute();
  for (const row of rows) {
    if (found.has(row.user_id)) continue;
    found.set(row.user_id, {
      at: row.created_at,
      authnInstant: row.authn_instant,
      methods: row.authn_methods ? (JSON.parse(row.authn_methods) as string[]) : [],
    });
  }
  return found;
}
