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
  let q = query(db, organizationId, providerId);
  if (narrow.userName !== undefined) {
    const lower = narrow.userName.toLowerCase();
    q = q.where((eb) => eb.or([eb('memberships.scim_user_name', '=', lower), eb('users.email', '=', lower)]));
  }
  if (narrow.externalId !== undefined) q = q.where('identities.idp_user_id', '=', narrow.externalId);
  const rows = await q.orderBy('memberships.created_at').orderBy('memberships.id').execute();
  return rows.map((row) => toRow(organizationId, row));
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
