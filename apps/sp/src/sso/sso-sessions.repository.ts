import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';

/** A sign-in through an organization's IdP: live until it expires or the IdP logs the person out. */
export async function createSsoSession(
  db: Db,
  input: {
    userId: string;
    organizationId: string;
    providerId: string;
    nameId: string;
    nameIdFormat: string;
    sessionIndex: string | null;
    createdAt: string;
    expiresAt: string;
    /** The assertion's AuthnInstant, and the authnmethodsreferences it named (session-control/). */
    authnInstant?: string | null;
    authnMethods?: readonly string[];
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('sso_sessions')
    .values({
      id,
      user_id: input.userId,
      organization_id: input.organizationId,
      provider_id: input.providerId,
      name_id: input.nameId,
      name_id_format: input.nameIdFormat,
      session_index: input.sessionIndex,
      created_at: input.createdAt,
      expires_at: input.expiresAt,
      ended_at: null,
      authn_instant: input.authnInstant ?? null,
      authn_methods: input.authnMethods ? JSON.stringify(input.authnMethods) : null,
    })
    .execute();
  return id;
}

export async function findSsoSession(db: Db, id: string) {
  const row = await db.selectFrom('sso_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? {
        id: row.id,
        userId: row.user_id,
        organizationId: row.organization_id,
        providerId: row.provider_id,
        nameId: row.name_id,
        nameIdFormat: row.name_id_format,
        sessionIndex: row.session_index,
        endedAt: row.ended_at,
      }
    : null;
}

/** Ends the organization's SSO sessions of `nameId` (those of the given session indexes, or all). */
export async function endSsoSessions(
  db: Db,
  input: { organizationId: string; nameId: string; sessionIndexes: readonly string[]; at: string },
): Promise<number> {
  let query = db
    .updateTable('sso_sessions')
    .set({ ended_at: input.at })
    .where('organization_id', '=', input.organizationId)
    .where('name_id', '=', input.nameId)
    .where('ended_at', 'is', null);
  if (input.sessionIndexes.length > 0) query = query.where('session_index', 'in', [...input.sessionIndexes]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function endSsoSession(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('sso_sessions')
    .set({ ended_at: at })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute();
}
