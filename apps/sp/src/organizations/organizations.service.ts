import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { addSeconds, nowIso } from '../context.ts';
import { type Db, isUniqueViolation } from '../db/db.ts';
import { forbidden, SpError } from '../errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import { isEmail, normalizeEmail, ValidationError } from '../validation.ts';
import {
  countOwners,
  deleteMembership,
  findMembership,
  findOrganizationById,
  insertMembership,
  insertOrganization,
  type Organization,
  updateMembershipRole,
} from './organizations.repository.ts';
import { canGrant, isRole, type Role } from './roles.ts';
import { slugify, slugProblem } from './slug.ts';

const INVITATION_DAYS = 7;

/**
 * What an account made by an organization's IdP for an address it had not proven may not do: it is
 * that organization's only (security baseline 11).
 */
export const scopedAccountError = (what: string): SpError =>
  new SpError(
    'account_scoped',
    403,
    `You are signed in with an account that your organization’s identity provider made for that organization only. To ${what}, sign out and create a Federa Workspace account with your email address (or sign in to the one you have).`,
  );

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * Creates an organization whose first member, `ownerUserId`, is its owner. The slug defaults to one
 * made from the name; a taken or malformed slug is a ValidationError on `slug`.
 *
 * @example
 * const acme = await createOrganization(db, clock, { name: 'Acme', slug: 'acme', ownerUserId: owner.id });
 */
export async function createOrganization(
  db: Db,
  clock: Clock,
  input: { name: string; slug?: string; ownerUserId: string },
): Promise<Organization> {
  const name = input.name.trim();
  const slug = (input.slug?.trim() || slugify(name)).toLowerCase();
  const errors: Record<string, string> = {};
  if (name === '' || name.length > 64) errors.name = 'Enter a name of at most 64 characters.';
  const problem = slugProblem(slug);
  if (problem) errors.slug = problem;
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const org: Organization = { id: randomUUID(), slug, name, createdAt: nowIso(clock) };
  try {
    await db.transaction().execute(async (trx) => {
      await insertOrganization(trx, org);
      await insertMembership(trx, {
        id: randomUUID(),
        organizationId: org.id,
        userId: input.ownerUserId,
        role: 'owner',
        createdAt: org.createdAt,
      });
      await recordAudit(trx, clock, {
        organizationId: org.id,
        actorUserId: input.ownerUserId,
        action: 'organization.created',
        detail: { slug },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError({ slug: 'This slug is taken; choose another.' });
    throw error;
  }
  return org;
}

/** Adds a member (no-op when already one). */
export async function addMember(
  db: Db,
  clock: Clock,
  organizationId: string,
  userId: string,
  role: Role,
): Promise<void> {
  if (await findMembership(db, organizationId, userId)) return;
  await insertMembership(db, { id: randomUUID(), organizationId, userId, role, createdAt: nowIso(clock) });
}

export async function changeMemberRole(
  db: Db,
  clock: Clock,
  input: { organizationId: string; actorUserId: string; actorRole: Role; userId: string; role: string },
): Promise<void> {
  if (!isRole(input.role)) throw new ValidationError({ role: 'Choose a role.' });
  const role = input.role;
  await db.transaction().execute(async (trx) => {
    const target = await findMembership(trx, input.organizationId, input.userId);
    if (!target) throw new SpError('not_found', 404, 'That person is not a member of this organization.');
    if (!canGrant(input.actorRole, role) || !canGrant(input.actorRole, target.role)) {
      throw forbidden('You can only give or change roles at or below your own.');
    }
    // countOwners counts active owners: a suspended one is not the last.
    if (
      target.role === 'owner' &&
      role !== 'owner' &&
      !target.suspended &&
      (await countOwners(trx, input.organizationId)) <= 1
    ) {
      throw new ValidationError({ role: 'An organization needs at least one owner.' });
    }
    await updateMembershipRole(trx, target.id, role);
    await recordAudit(trx, clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'member.role-changed',
      detail: { userId: input.userId, from: target.role, to: role },
    });
  });
}

/** Removes a member, with the SSO identity linking them to this organization's provider. */
export async function removeMember(
  db: Db,
  clock: Clock,
  input: { organizationId: string; actorUserId: string; actorRole: Role; userId: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const target = await findMembership(trx, input.organizationId, input.userId);
    if (!target) throw new SpError('not_found', 404, 'That person is not a member of this organization.');
    if (!canGrant(input.actorRole, target.role))
      throw forbidden('You can only remove members at or below your role.');
    if (target.role === 'owner' && !target.suspended && (await countOwners(trx, input.organizationId)) <= 1) {
      throw forbidden('An organization needs at least one owner: make someone else owner first.');
    }
    await deleteMembership(trx, target.id);
    const provider = await trx
      .selectFrom('auth_providers')
      .select('id')
      .where('organization_id', '=', input.organizationId)
      .executeTakeFirst();
    if (provider) {
      await trx
        .deleteFrom('identities')
        .where('provider_id', '=', provider.id)
        .where('user_id', '=', input.userId)
        .execute();
    }
    await trx
      .updateTable('sso_sessions')
      .set({ ended_at: nowIso(clock) })
      .where('organization_id', '=', input.organizationId)
      .where('user_id', '=', input.userId)
      .where('ended_at', 'is', null)
      .execute();
    await recordAudit(trx, clock, {
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      action: 'member.removed',
      detail: { userId: input.userId, role: target.role },
    });
  });
}

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/**
 * Invites someone by link: returns the link (only now: the database keeps a hash of its token) and
 * emails it.
 */
export async function inviteMember(
  db: Db,
  clock: Clock,
  mailer: Mailer,
  baseUrl: string,
  input: { organizationId: string; actorUserId: string; actorRole: Role; email: string; role: string },
): Promise<{ invitation: Invitation; url: string; mailed: boolean }> {
  const email = normalizeEmail(input.email);
  const errors: Record<string, string> = {};
  if (!isEmail(email)) errors.email = 'Enter an email address, like name@example.com.';
  if (!isRole(input.role)) errors.role = 'Choose a role.';
  else if (!canGrant(input.actorRole, input.role))
    errors.role = 'You can only invite with a role at or below your own.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const org = await findOrganizationById(db, input.organizationId);
  if (!org) throw new SpError('not_found', 404, 'There is no such organization.');
  const token = newToken();
  const now = clock.now();
  const invitation: Invitation = {
    id: randomUUID(),
    organizationId: org.id,
    email,
    role: input.role as Role,
    createdAt: now.toISOString(),
    expiresAt: addSeconds(now, INVITATION_DAYS * 86400).toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('invitations')
      .values({
        id: invitation.id,
        organization_id: org.id,
        email,
        role: invitation.role,
        token_hash: hashToken(token),
        invited_by: input.actorUserId,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
        accepted_at: null,
      })
      .execute();
    await recordAudit(trx, clock, {
      organizationId: org.id,
      actorUserId: input.actorUserId,
      action: 'member.invited',
      detail: { email, role: invitation.role },
    });
  });
  const url = `${baseUrl}/accept-invite/${token}/`;
  try {
    await mailer.send({
      to: email,
      subject: `You are invited to join ${org.name} on Federa Workspace`,
      text: `You have been invited to join the organization ${org.name} as ${invitation.role}.\n\nOpen this link to accept (valid for ${INVITATION_DAYS} days):\n${url}\n`,
    });
  } catch (error) {
    // The invitation stands: the inviter is shown its link to pass on.
    if (!(error instanceof SpError) || error.code !== 'mail_unavailable') throw error;
    return { invitation, url, mailed: false };
  }
  return { invitation, url, mailed: true };
}

export async function listPendingInvitations(
  db: Db,
  clock: Clock,
  organizationId: string,
): Promise<Invitation[]> {
  const rows = await db
    .selectFrom('invitations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', nowIso(clock))
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    email: r.email,
    role: r.role as Role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  }));
}

/** The invitation a link names, while it is open; null when unknown, used or expired. */
export async function findOpenInvitation(
  db: Db,
  clock: Clock,
  token: string,
): Promise<(Invitation & { organization: Organization }) | null> {
  const row = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', nowIso(clock))
    .executeTakeFirst();
  if (!row) return null;
  const organization = await findOrganizationById(db, row.organization_id);
  if (!organization) return null;
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    role: row.role as Role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    organization,
  };
}

/** Accepts an invitation for the signed-in user: one use only. */
export async function acceptInvitation(
  db: Db,
  clock: Clock,
  token: string,
  user: { id: string; scopeOrganizationId: string | null },
): Promise<Organization> {
  const userId = user.id;
  return db.transaction().execute(async (trx) => {
    const invitation = await findOpenInvitation(trx, clock, token);
    if (!invitation) {
      throw new SpError(
        'invitation_invalid',
        404,
        'This invitation link is not valid any more: it was used, withdrawn or has expired. Ask for a new one.',
      );
    }
    if (user.scopeOrganizationId && user.scopeOrganizationId !== invitation.organizationId) {
      throw scopedAccountError(`join ${invitation.organization.name}`);
    }
    const used = await trx
      .updateTable('invitations')
      .set({ accepted_at: nowIso(clock) })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) {
      throw new SpError('invitation_invalid', 404, 'This invitation link has just been used.');
    }
    if (!(await findMembership(trx, invitation.organizationId, userId))) {
      await insertMembership(trx, {
        id: randomUUID(),
        organizationId: invitation.organizationId,
        userId,
        role: invitation.role,
        createdAt: nowIso(clock),
      });
      await recordAudit(trx, clock, {
        organizationId: invitation.organizationId,
        actorUserId: userId,
        action: 'member.joined',
        detail: { role: invitation.role, via: 'invitation' },
      });
    }
    return invitation.organization;
  });
}
