import type { Db } from '../db/db.ts';
import type { Role } from './roles.ts';

export interface Organization {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

export interface Member {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
  /** Whether the member has an identity linked to this organization's SSO provider. */
  ssoLinked: boolean;
  /** Suspended (SCIM `active: false`): kept, but refused everywhere until restored. */
  suspended: boolean;
}

export async function insertOrganization(db: Db, org: Organization): Promise<void> {
  await db
    .insertInto('organizations')
    .values({ id: org.id, slug: org.slug, name: org.name, created_at: org.createdAt })
    .execute();
}

export async function findOrganizationBySlug(db: Db, slug: string): Promise<Organization | null> {
  const row = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at } : null;
}

export async function findOrganizationById(db: Db, id: string): Promise<Organization | null> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at } : null;
}

export async function insertMembership(
  db: Db,
  membership: { id: string; organizationId: string; userId: string; role: Role; createdAt: string },
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      id: membership.id,
      organization_id: membership.organizationId,
      user_id: membership.userId,
      role: membership.role,
      created_at: membership.createdAt,
    })
    .execute();
}

export async function findMembership(
  db: Db,
  organizationId: string,
  userId: string,
): Promise<{ id: string; role: Role; suspended: boolean } | null> {
  const row = await db
    .selectFrom('memberships')
    .select(['id', 'role', 'suspended_at'])
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { id: row.id, role: row.role as Role, suspended: row.suspended_at !== null } : null;
}

/**
 * Members in the order they joined, each marked linked when it has an identity at `providerId` (the
 * organization's provider, which the caller has already read; null: none); `limit` for pages that show
 * only the first few.
 */
export async function listMembers(
  db: Db,
  organizationId: string,
  options: { providerId: string | null; limit?: number },
): Promise<Member[]> {
  const { providerId } = options;
  let query = db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('identities', (join) =>
      join
        .onRef('identities.user_id', '=', 'users.id')
        .on((eb) => (providerId === null ? eb.lit(false) : eb('identities.provider_id', '=', providerId))),
    )
    .select([
      'memberships.id as membership_id',
      'users.id as user_id',
      'users.email',
      'users.name',
      'memberships.role',
      'memberships.created_at',
      'memberships.suspended_at',
      'identities.id as identity_id',
    ])
    .where('memberships.organization_id', '=', organizationId)
    .orderBy('memberships.created_at')
    .orderBy('users.email');
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((row) => ({
    membershipId: row.membership_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    joinedAt: row.created_at,
    ssoLinked: row.identity_id !== null,
    suspended: row.suspended_at !== null,
  }));
}

export async function countMembers(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listOrganizationsOfUser(
  db: Db,
  userId: string,
): Promise<Array<Organization & { role: Role }>> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
    .select([
      'organizations.id',
      'organizations.slug',
      'organizations.name',
      'organizations.created_at',
      'memberships.role',
    ])
    .where('memberships.user_id', '=', userId)
    .orderBy('organizations.name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    createdAt: row.created_at,
    role: row.role as Role,
  }));
}

export async function updateMembershipRole(db: Db, membershipId: string, role: Role): Promise<void> {
  await db.updateTable('memberships').set({ role }).where('id', '=', membershipId).execute();
}

export async function deleteMembership(db: Db, membershipId: string): Promise<void> {
  await db.deleteFrom('memberships').where('id', '=', membershipId).execute();
}

/** Owners who are not suspended: those who can act as owners. */
export async function countOwners(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'owner')
    .where('suspended_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
