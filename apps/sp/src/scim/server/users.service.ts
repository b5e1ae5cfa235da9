import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { ScimError } from '@federa/scim';
import { findUserByEmail, findUserById, insertUser } from '../../accounts/accounts.repository.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { nowIso } from '../../context.ts';
import type { Db } from '../../db/db.ts';
import { emailDomain } from '../../domains/domain-name.ts';
import { organizationVerified } from '../../domains/domains.service.ts';
import { findIdentity, findIdentityOfUser, insertIdentity } from '../../identities/identities.repository.ts';
import { findMembership, insertMembership } from '../../organizations/organizations.repository.ts';
import { isRole, type Role } from '../../organizations/roles.ts';
import { isEmail } from '../../validation.ts';
import { removeMembership, restoreMembership, suspendMembership } from '../member-lifecycle.ts';
import {
  findScimMember,
  listScimMembers,
  type ScimMemberRow,
  saveScimAttributes,
} from '../scim-members.repository.ts';
import type { ScimScope } from './bearer.ts';
import {
  displayNameOf,
  emailOf,
  keptAttributes,
  ROLE_ATTRIBUTE,
  read,
  readBoolean,
} from './user-resource.ts';

// What SCIM User requests do to accounts, identities and memberships. Accounts follow the rule
// just-in-time provisioning follows (identities/provisioning.service.ts, security baselines 9 and 11):
// the IdP's `externalId` is the identity's key, and the IdP speaks for an address only in a domain the
// organization verified. A SCIM client has no browser in which an existing account could prove
// itself (which JIT would ask for), so an address held by another Workspace account gets an account
// scoped to the organization, which reserves nothing and links nothing.

type Json = Record<string, unknown>;

const ALREADY_MEMBER = 'User already exists in the database.';
/** Sentry refuses roles with the org:admin scope from SCIM: here, owner and manager. */
const SCIM_ROLES: readonly Role[] = ['admin', 'member', 'billing'];

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requiredString(body: Json, name: string, max: number): string {
  const value = read(body, name);
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new ScimError('invalidValue', `'${name}' is required: a string of at most ${max} characters.`);
  }
  return value.trim();
}

function roleOf(body: Json, fallback: Role): Role {
  const value = read(body, ROLE_ATTRIBUTE);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !isRole(value) || !SCIM_ROLES.includes(value)) {
    throw new ScimError('invalidValue', 'Invalid organization role.');
  }
  return value;
}

function addressOf(body: Json): string {
  const email = emailOf(body);
  if (!email || !isEmail(email)) {
    throw new ScimError(
      'invalidValue',
      'A user needs an email address: emails[type eq "work"].value, or a userName that is one.',
    );
  }
  return email;
}

/** The account a new SCIM user gets, linked by its identity (the same decision JIT makes). */
async function accountFor(
  trx: Db,
  clock: Clock,
  scope: ScimScope,
  person: { externalId: string; email: string; name: string },
): Promise<string> {
  const { organization, provider } = scope;
  const now = nowIso(clock);
  const vouched = await organizationVerified(trx, organization.id, emailDomain(person.email));
  const existing = await findUserByEmail(trx, person.email);
  let userId: string;
  if (existing && vouched && existing.emailVerified) {
    // The organization runs the address's domain and the account proved it holds the address.
    if (await findIdentityOfUser(trx, provider.id, existing.id)) {
      throw new ScimError(
        'uniqueness',
        'The account with this address is linked to another user of this IdP.',
      );
    }
    userId = existing.id;
  } else {
    const scoped = !vouched || existing !== null;
    userId = (
      await insertUser(trx, {
        id: randomUUID(),
        email: person.email,
        name: person.name,
        passwordHash: null,
        createdAt: now,
        emailVerifiedAt: scoped ? null : now,
        scopeOrganizationId: scoped ? organization.id : null,
      })
    ).id;
  }
  await insertIdentity(trx, {
    id: randomUUID(),
    providerId: provider.id,
    idpUserId: person.externalId,
    userId,
    email: person.email,
    at: now,
  });
  await recordAudit(trx, clock, {
    organizationId: organization.id,
    actorUserId: null,
    action: 'identity.linked',
    detail: {
      idpUserId: person.externalId,
      userId,
      via: existing && userId === existing.id ? 'SCIM (verified domain)' : 'SCIM',
    },
  });
  return userId;
}

/**
 * POST /Users: a membership (and the account and identity, when new) with the organization's default
 * role or `sentryOrgRole`; 409 `uniqueness` when the person is already a member.
 */
export async function createScimUser(
  db: Db,
  clock: Clock,
  scope: ScimScope,
  body: unknown,
): Promise<ScimMemberRow> {
  if (!isObject(body)) throw new ScimError('invalidSyntax', 'The body must be a JSON object (a User).');
  const userName = requiredString(body, 'userName', 254);
  const externalId = requiredString(body, 'externalId', 256);
  const email = addressOf(body);
  const role = roleOf(body, scope.provider.defaultRole);
  const active = readBoolean(body, 'active') ?? true;
  const name = displayNameOf(body, email.split('@')[0]!);
  const { organization, provider } = scope;
  return db.transaction().execute(async (trx) => {
    const identity = await findIdentity(trx, provider.id, externalId);
    let userId: string;
    if (identity) {
      if (await findMembership(trx, organization.id, identity.userId))
        throw new ScimError('uniqueness', ALREADY_MEMBER);
      userId = identity.userId;
    } else {
      const taken = [
        ...(await listScimMembers(trx, organization.id, provider.id, { userName })),
        ...(await listScimMembers(trx, organization.id, provider.id, { userName: email })),
      ];
      if (taken.length > 0) throw new ScimError('uniqueness', ALREADY_MEMBER);
      userId = await accountFor(trx, clock, scope, { externalId, email, name });
    }
    const membershipId = randomUUID();
    await insertMembership(trx, {
      id: membershipId,
      organizationId: organization.id,
      userId,
      role,
      createdAt: nowIso(clock),
    });
    if (!active) {
      await trx
        .updateTable('memberships')
        .set({ suspended_at: nowIso(clock) })
        .where('id', '=', membershipId)
        .execute();
    }
    await saveScimAttributes(trx, membershipId, { userName, attributes: keptAttributes(body) });
    await recordAudit(trx, clock, {
      organizationId: organization.id,
      actorUserId: null,
      action: 'member.added-by-scim',
      detail: { userId, role, ...(active ? {} : { suspended: true }) },
    });
    return (await findScimMember(trx, organization.id, provider.id, membershipId))!;
  });
}

/** Links a member who has no identity yet to `externalId`, when the IdP may speak for their account. */
async function linkExisting(trx: Db, clock: Clock, scope: ScimScope, row: ScimMemberRow, externalId: string) {
  const { organization, provider } = scope;
  const holder = await findIdentity(trx, provider.id, externalId);
  if (holder) throw new ScimError('uniqueness', 'Another user of this organization has this externalId.');
  const user = await findUserById(trx, row.userId);
  const mayLink =
    row.scoped ||
    (user?.emailVerified === true &&
      (await organizationVerified(trx, organization.id, emailDomain(user.email))));
  // Otherwise the account links at its next SSO sign-in, once it has proved itself (identities/).
  if (!mayLink) return;
  await insertIdentity(trx, {
    id: randomUUID(),
    providerId: provider.id,
    idpUserId: externalId,
    userId: row.userId,
    email: row.email,
    at: nowIso(clock),
  });
  await recordAudit(trx, clock, {
    organizationId: organization.id,
    actorUserId: null,
    action: 'identity.linked',
    detail: { idpUserId: externalId, userId: row.userId, via: 'SCIM' },
  });
}

/**
 * PUT and PATCH /Users/{id}: makes the member what `desired` (a whole User) says, inside the caller's
 * transaction. The role of an owner is left as it is (Sentry's rule); `active: false` suspends.
 */
export async function updateScimUser(
  trx: Db,
  clock: Clock,
  scope: ScimScope,
  row: ScimMemberRow,
  desired: unknown,
): Promise<void> {
  if (!isObject(desired)) throw new ScimError('invalidSyntax', 'The body must be a JSON object (a User).');
  const userName = requiredString(desired, 'userName', 254);
  const externalId = read(desired, 'externalId');
  if (externalId !== undefined && externalId !== null && externalId !== row.externalId) {
    if (typeof externalId !== 'string' || externalId.trim() === '' || externalId.length > 256)
      throw new ScimError('invalidValue', "'externalId' must be a string of at most 256 characters.");
    if (row.externalId !== null) {
      throw new ScimError('mutability', "'externalId' is the IdP's immutable user id: it cannot change.");
    }
    await linkExisting(trx, clock, scope, row, externalId);
  }
  const roleValue = read(desired, ROLE_ATTRIBUTE);
  if (roleValue !== undefined && roleValue !== row.role && row.role !== 'owner') {
    const role = roleOf(desired, row.role);
    await trx.updateTable('memberships').set({ role }).where('id', '=', row.membershipId).execute();
    await recordAudit(trx, clock, {
      organizationId: row.organizationId,
      actorUserId: null,
      action: 'member.updated-by-scim',
      detail: { userId: row.userId, from: row.role, to: role },
    });
  }
  const membership = {
    id: row.membershipId,
    organizationId: row.organizationId,
    userId: row.userId,
    role: row.role,
    suspended: row.suspended,
  };
  const active = readBoolean(desired, 'active');
  if (active === false) await suspendMembership(trx, clock, membership);
  if (active === true) await restoreMembership(trx, clock, membership);
  if (row.scoped) {
    // The organization's IdP made this account and may keep its name and address current.
    const email = addressOf(desired);
    const name = displayNameOf(desired, row.name);
    await trx.updateTable('users').set({ email, name }).where('id', '=', row.userId).execute();
    await trx
      .updateTable('identities')
      .set({ email })
      .where('provider_id', '=', scope.provider.id)
      .where('user_id', '=', row.userId)
      .execute();
  }
  await saveScimAttributes(trx, row.membershipId, { userName, attributes: keptAttributes(desired) });
}

/** DELETE /Users/{id}: the membership goes (the last owner stays: 409). */
export async function deleteScimUser(
  trx: Db,
  clock: Clock,
  scope: ScimScope,
  row: ScimMemberRow,
): Promise<void> {
  await removeMembership(
    trx,
    clock,
    {
      id: row.membershipId,
      organizationId: row.organizationId,
      userId: row.userId,
      role: row.role,
      suspended: row.suspended,
    },
    scope.provider.id,
  );
}
