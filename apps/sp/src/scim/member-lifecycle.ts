import type { Clock } from '@federa/saml';
import { ScimError } from '@federa/scim';
import { PostgresAdapter } from 'kysely';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { countOwners } from '../organizations/organizations.repository.ts';

// What the directory does to a membership: suspend (`active: false`), restore (`active: true`) and
// remove (DELETE). Suspending or removing ends the person's SSO sessions in the organization at once
// (a browser signed in through one of them is signed out on its next request, web/auth-state.ts), and
// every page of the organization refuses a suspended membership (web/access.ts), so access ends
// within the one SCIM request. Each runs inside the caller's transaction.

export interface ScimMembership {
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  suspended: boolean;
}

/** Sentry's words (src/sentry/scim/endpoints/constants.py) for the last owner. */
const LAST_OWNER = 'You cannot remove the only remaining owner of the organization.';

async function refuseLastOwner(trx: Db, membership: ScimMembership): Promise<void> {
  if (membership.role !== 'owner' || membership.suspended) return;
  // Two owners suspended at once by two requests must not both see the other as still there: on
  // PostgreSQL the owners' rows are locked until the transaction ends (SQLite runs one writer at a time).
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await trx
      .selectFrom('memberships')
      .select('id')
      .where('organization_id', '=', membership.organizationId)
      .where('role', '=', 'owner')
      .forUpdate()
      .execute();
  }
  if ((await countOwners(trx, membership.organizationId)) <= 1) {
    throw new ScimError('mutability', LAST_OWNER, { status: 409 });
  }
}

async function endSessions(trx: Db, clock: Clock, membership: ScimMembership): Promise<void> {
  await trx
    .updateTable('sso_sessions')
    .set({ ended_at: nowIso(clock) })
    .where('organization_id', '=', membership.organizationId)
    .where('user_id', '=', membership.userId)
    .where('ended_at', 'is', null)
    .execute();
}

export async function suspendMembership(trx: Db, clock: Clock, membership: ScimMembership): Promise<void> {
  if (membership.suspended) return;
  await refuseLastOwner(trx, membership);
  await trx
    .updateTable('memberships')
    .set({ suspended_at: nowIso(clock) })
    .where('id', '=', membership.id)
    .execute();
  await endSessions(trx, clock, membership);
  await recordAudit(trx, clock, {
    organizationId: membership.organizationId,
    actorUserId: null,
    action: 'member.suspended',
    detail: { userId: membership.userId, via: 'SCIM' },
  });
}

export async function restoreMembership(trx: Db, clock: Clock, membership: ScimMembership): Promise<void> {
  if (!membership.suspended) return;
  await trx.updateTable('memberships').set({ suspended_at: null }).where('id', '=', membership.id).execute();
  await recordAudit(trx, clock, {
    organizationId: membership.organizationId,
    actorUserId: null,
    action: 'member.restored',
    detail: { userId: membership.userId, via: 'SCIM' },
  });
}

/** Removes the membership (its teams go with it) and the identity linking it to the provider. */
export async function removeMembership(
  trx: Db,
  clock: Clock,
  membership: ScimMembership,
  providerId: string,
): Promise<void> {
  await refuseLastOwner(trx, membership);
  await trx.deleteFrom('memberships').where('id', '=', membership.id).execute();
  await trx
    .deleteFrom('identities')
    .where('provider_id', '=', providerId)
    .where('user_id', '=', membership.userId)
    .execute();
  await endSessions(trx, clock, membership);
  await recordAudit(trx, clock, {
    organizationId: membership.organizationId,
    actorUserId: null,
    action: 'member.removed-by-scim',
    detail: { userId: membership.userId, role: membership.role },
  });
}
