import type { Db } from '../db/db.ts';
import type { Role } from '../organizations/roles.ts';

/** A membership as the SCIM server reads it: the member's account, identity and SCIM attributes. */
export interface ScimMemberRow {
  membershipId: string;
  organizationId: string;
  userId: string;
  role: Role;
  suspended: boolean;
  createdAt: string;
  email: string;
  name: string;
  /** The account is scoped to this organization (its IdP may change its name and address). */
  scoped: boolean;
  /** The IdP user id of the member's identity at the organization's provider. */
  externalId: string | null;
  userName: string | null;
  attributes: Record<string, unknown>;
}

function query(db: Db, organizationId: string, providerId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('identities', (join) =>
      join.onRef('identities.user_id', '=', 'users.id').on('identities.provider_id', '=', providerId),
    )
    .select([
      'memberships.id as membership_id',
      'memberships.user_id',
      'memberships.role',
      'memberships.suspended_at',
      'memberships.created_at',
      'memberships.scim_user_name',
      'memberships.scim_attributes',
      'users.email',
      'users.name',
      'users.scope_organization_id',
      'identities.idp_user_id',
    ])
    .where('memberships.organization_id', '=', organizationId);
}

type Row = Awaited<ReturnType<ReturnType<typeof query>['executeTakeFirstOrThrow']>>;

function toRow(organizationId: string, row: Row): ScimMemberRow {
  return {
    membershipId: row.membership_id,
    organizationId,
    userId: row.user_id,
    role: row.role as Role,
    suspended: row.suspended_at !== null,
    createdAt: row.created_at,
    email: row.email,
    name: row.name,
    scoped: row.scope_organization_id === organizationId,
    externalId: row.idp_user_id,
    userName: row.scim_user_name,
    attributes: row.scim_attributes ? (JSON.parse(row.scim_attributes) as Record<string, unknown>) : {},
  };
}

export async function findScimMember(
  db: Db,
  organizationId: string,
  providerId: string,
  membershipId: string,
): Promise<ScimMemberRow | null> {
  const row = await query(db, organizationId, providerId)
    .where('memberships.id', '=', membershipId)
    .executeTakeFirst();
  return row ? toRow(organizationId, row) : null;
}

/**
 * The organization's members in a stable order (join date, then id); narrowed in SQL to those whose
 * userName or email is `userName`, or whose identity is `externalId`, when given (the filters Entra
 * sends), so that its query for one user does not read them all.
 */
export async function listScimMembers(
  db: Db,
  organizationId: string,
  providerId: string,
  narrow: { userName?: string; externalId?: string } = {},
): Promise<ScimMemberRow[]> {
  if (narrow.userName !== undefined) {
    // Two lookups an index answers (the userName SCIM gave the membership; the account's email,
    // Workspace-wide or scoped to this organization) rather than one OR across the join, which
    // PostgreSQL answers by reading every member: Entra sends this query before each user it creates.
    const lower = narrow.userName.toLowerCase();
    const byUserName = narrowed(db, organizationId, providerId, narrow.externalId).where(
      'memberships.scim_user_name',
      '=',
      lower,
    );
    const byEmail = narrowed(db, organizationId, providerId, narrow.externalId).where(
      'memberships.user_id',
      'in',
      db
        .selectFrom('users as u')
        .select('u.id')
        .where('u.email', '=', lower)
        .where('u.scope_organization_id', 'is', null)
        .unionAll(
          db
            .selectFrom('users as u')
            .select('u.id')
            .where('u.scope_organization_id', '=', organizationId)
            .where('u.email', '=', lower),
        ),
    );
    const [a, b] = await Promise.all([byUserName.execute(), byEmail.execute()]);
    const unique = new Map([...a, ...b].map((row) => [row.membership_id, row]));
    return [...unique.values()]
      .sort(
        (x, y) => x.created_at.localeCompare(y.created_at) || x.membership_id.localeCompare(y.membership_id),
      )
      .map((row) => toRow(organizationId, row));
  }
  const rows = await narrowed(db, organizationId, providerId, narrow.externalId)
    .orderBy('memberships.created_at')
    .orderBy('memberships.id')
    .execute();
  return rows.map((row) => toRow(organizationId, row));
}

function narrowed(db: Db, organizationId: string, providerId: string, externalId: string | undefined) {
  const q = query(db, organizationId, providerId);
  return externalId === undefined ? q : q.where('identities.idp_user_id', '=', externalId);
}

/** Records what the client sent for a membership: its userName and other attributes. */
export async function saveScimAttributes(
  db: Db,
  membershipId: string,
  input: { userName: string; attributes: Record<string, unknown> },
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({
      scim_user_name: input.userName.toLowerCase(),
      scim_attributes: JSON.stringify(input.attributes),
    })
    .where('id', '=', membershipId)
    .execute();
}
