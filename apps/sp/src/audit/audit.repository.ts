import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';

/** What the audit log records, as a closed union. */
export type AuditAction =
  | 'organization.created'
  | 'member.invited'
  | 'member.joined'
  | 'member.role-changed'
  | 'member.removed'
  | 'member.added-by-jit'
  | 'identity.linked'
  | 'sso.configured'
  | 'sso.enabled'
  | 'sso.edited'
  | 'sso.settings-changed'
  | 'sso.disabled'
  | 'sso.certificates-changed'
  | 'sso.sha1-allowed'
  | 'sso.sha1-disallowed'
  | 'sso.signing-key-created'
  | 'sso.signing-key-activated'
  | 'sso.signing-key-removed'
  | 'domain.added'
  | 'domain.verified'
  | 'domain.removed'
  | 'scim.enabled'
  | 'scim.token-regenerated'
  | 'scim.disabled'
  | 'member.added-by-scim'
  | 'member.updated-by-scim'
  | 'member.suspended'
  | 'member.restored'
  | 'member.removed-by-scim'
  | 'team.created'
  | 'team.renamed'
  | 'team.deleted'
  | 'team.member-added'
  | 'team.member-removed';

export interface AuditEntry {
  id: string;
  organizationId: string;
  actorUserId: string | null;
  actorEmail: string | null;
  action: AuditAction;
  detail: Record<string, unknown>;
  createdAt: string;
}

export async function recordAudit(
  db: Db,
  clock: Clock,
  entry: {
    organizationId: string;
    actorUserId: string | null;
    action: AuditAction;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      organization_id: entry.organizationId,
      actor_user_id: entry.actorUserId,
      action: entry.action,
      detail: JSON.stringify(entry.detail ?? {}),
      created_at: nowIso(clock),
    })
    .execute();
}

export async function listAudit(db: Db, organizationId: string, limit = 200): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select([
      'audit_log.id',
      'audit_log.organization_id',
      'audit_log.actor_user_id',
      'users.email as actor_email',
      'audit_log.action',
      'audit_log.detail',
      'audit_log.created_at',
    ])
    .where('audit_log.organization_id', '=', organizationId)
    .orderBy('audit_log.created_at', 'desc')
    .orderBy('audit_log.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    actorUserId: row.actor_user_id,
    actorEmail: row.actor_email,
    action: row.action as AuditAction,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    createdAt: row.created_at,
  }));
}
