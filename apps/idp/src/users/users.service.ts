import { generatePassword, hashPassword } from '@federa/kit';
import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, idpError, notFound } from '../errors.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import { markUserDeleted } from './deleted-users.repository.ts';
import {
  findUserByUpn,
  findUserInTenant,
  insertUser,
  setForceChangePassword,
  setPasswordHash,
  type User,
  updateUserProfile,
} from './users.repository.ts';

export interface UserInput {
  userPrincipalName: string;
  displayName: string;
  mail?: string | null | undefined;
  givenName?: string | null | undefined;
  surname?: string | null | undefined;
  accountEnabled?: boolean | undefined;
  isAdmin?: boolean | undefined;
}

export interface CreateUserInput extends UserInput {
  /** When absent a password is generated (and returned once). */
  password?: string | undefined;
  /**
   * Graph's passwordProfile.forceChangePasswordNextSignIn: the password is temporary, and the user
   * chooses their own at the next sign-in (temporary-password/). Default false, as Graph's; the
   * portal's Create user sets it, as Entra's portal does.
   */
  forceChangePasswordNextSignIn?: boolean | undefined;
}

/** Graph's passwordProfile in a PATCH: a new password, whether it is temporary (default false), or both. */
export interface PasswordProfileInput {
  password?: string | undefined;
  forceChangePasswordNextSignIn?: boolean | undefined;
}

// Entra: the part before @ may use letters, digits and ' . - _ ! # ^ ~, at most 64 characters, and
// must not start or end with a dot; the domain must be one of the tenant's verified domains.
const UPN_LOCAL = /^[A-Za-z0-9'_!#^~-](?:[A-Za-z0-9'._!#^~-]{0,62}[A-Za-z0-9'_!#^~-])?$/;
const EMAIL = /^[^\s@]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

function clean(value: string | null | undefined): string | null {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? null : trimmed;
}

/** Entra's password rule for cloud users: 8–256 characters, three of lower, upper, digit, symbol. */
export function passwordError(password: string): string | null {
  if (password.length < 8 || password.length > 256) return 'The password must have 8 to 256 characters.';
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 3) {
    return 'The password must use three of: lower-case letters, upper-case letters, digits, symbols.';
  }
  return null;
}

async function validate(
  deps: Deps,
  tenantId: string,
  input: UserInput,
  existingId: string | null,
): Promise<{ errors: FieldErrors; upn: string; displayName: string; mail: string | null }> {
  const errors = new FieldErrors();
  const upn = input.userPrincipalName.trim();
  const displayName = input.displayName.trim();
  const mail = clean(input.mail);
  const tenant = await findTenant(deps.db, tenantId);
  if (!tenant) throw notFound('The tenant');
  const at = upn.lastIndexOf('@');
  const local = at === -1 ? upn : upn.slice(0, at);
  const domain = at === -1 ? '' : upn.slice(at + 1).toLowerCase();
  if (upn === '') errors.add('userPrincipalName', 'Enter the user name, e.g. B.Simon@contoso.com.');
  else if (at === -1 || !UPN_LOCAL.test(local)) {
    errors.add(
      'userPrincipalName',
      "The user name is name@domain; the name may use letters, digits and ' . - _ ! # ^ ~ (not starting or ending with a dot).",
    );
  } else if (!tenant.domains.some((d) => d.domain === domain)) {
    errors.add(
      'userPrincipalName',
      `The domain must be one of this tenant's verified domains: ${tenant.domains.map((d) => d.domain).join(', ')}.`,
    );
  } else {
    const other = await findUserByUpn(deps.db, upn);
    if (other && other.id !== existingId)
      errors.add('userPrincipalName', `Another user already has the user name ${upn}.`);
  }
  if (displayName === '') errors.add('displayName', 'Enter the name people see, e.g. B.Simon.');
  else if (displayName.length > 256) errors.add('displayName', 'The name can be at most 256 characters.');
  if (mail !== null && !EMAIL.test(mail))
    errors.add('mail', 'Enter an email address such as b.simon@contoso.com, or leave it empty.');
  for (const key of ['givenName', 'surname'] as const) {
    if ((clean(input[key]) ?? '').length > 64) errors.add(key, 'This can be at most 64 characters.');
  }
  return { errors, upn, displayName, mail };
}

/**
 * Creates a user in a tenant. The password is the one given (checked against Entra's rule) or a
 * generated one; it is returned so that the caller can show it once, and only its argon2id hash is kept.
 */
export async function createUser(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: CreateUserInput,
): Promise<{ user: User; password: string }> {
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(deps.db, async (db) => {
    const scoped = { ...deps, db };
    const { errors, upn, displayName, mail } = await validate(scoped, tenantId, input, null);
    if (input.password !== undefined) {
      const problem = passwordError(input.password);
      if (problem) errors.add('password', problem);
    }
    errors.throwIfAny();
    const id = newId();
    const at = nowIso(deps);
    await insertUser(db, {
      id,
      tenantId,
      userPrincipalName: upn,
      displayName,
      mail,
      givenName: clean(input.givenName),
      surname: clean(input.surname),
      accountEnabled: input.accountEnabled ?? true,
      isAdmin: input.isAdmin ?? false,
      passwordHash,
      forceChangePasswordNextSignIn: input.forceChangePasswordNextSignIn === true,
      at,
    });
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Add user',
      targetType: 'User',
      targetId: id,
      targetName: upn,
      details: {
        displayName,
        mail,
        accountEnabled: input.accountEnabled ?? true,
        isAdmin: input.isAdmin ?? false,
        forceChangePasswordNextSignIn: input.forceChangePasswordNextSignIn === true,
      },
    });
    return { user: (await findUserInTenant(db, tenantId, id))!, password };
  });
}

/**
 * Edits a user's profile, sign-in state and admin role. An admin cannot block or demote themself.
 * With `passwordProfile` (the admin API's PATCH, as Graph's): a new password, checked against Entra's
 * rule, and whether it is temporary (Graph's default: not), or only whether the current one is.
 */
export async function updateUser(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
  input: UserInput,
  passwordProfile?: PasswordProfileInput,
): Promise<User> {
  const newPassword = passwordProfile?.password;
  const newHash = newPassword === undefined ? null : await hashPassword(newPassword);
  return inTransaction(deps.db, async (db) => {
    const current = await findUserInTenant(db, tenantId, userId);
    if (!current) throw notFound('The user');
    const { errors, upn, displayName, mail } = await validate({ ...deps, db }, tenantId, input, userId);
    const accountEnabled = input.accountEnabled ?? current.accountEnabled;
    const isAdmin = input.isAdmin ?? current.isAdmin;
    if (actor.id === userId && !accountEnabled)
      errors.add('accountEnabled', 'You cannot block your own sign-in.');
    if (actor.id === userId && !isAdmin)
      errors.add('isAdmin', 'You cannot remove your own administrator role.');
    if (newPassword !== undefined) {
      const problem = passwordError(newPassword);
      if (problem) errors.add('password', problem);
    }
    errors.throwIfAny();
    const change = {
      userPrincipalName: upn,
      displayName,
      mail,
      givenName: clean(input.givenName),
      surname: clean(input.surname),
      accountEnabled,
      isAdmin,
    };
    const at = nowIso(deps);
    await updateUserProfile(db, userId, change, at);
    const changed: Record<string, unknown> = {};
    const before: Record<string, unknown> = {
      userPrincipalName: current.userPrincipalName,
      displayName: current.displayName,
      mail: current.mail,
      givenName: current.givenName,
      surname: current.surname,
      accountEnabled: current.accountEnabled,
      isAdmin: current.isAdmin,
    };
    for (const [key, value] of Object.entries(change)) {
      if (before[key] !== value) changed[key] = { from: before[key], to: value };
    }
    const wasTemporary = current.passwordProfile?.forceChangePasswordNextSignIn === true;
    const temporary =
      passwordProfile === undefined
        ? wasTemporary
        : newHash !== null
          ? passwordProfile.forceChangePasswordNextSignIn === true
          : (passwordProfile.forceChangePasswordNextSignIn ?? wasTemporary);
    if (newHash !== null) await setPasswordHash(db, userId, newHash, at, temporary);
    else if (temporary !== wasTemporary) await setForceChangePassword(db, userId, temporary, at);
    if (temporary !== wasTemporary) {
      changed.forceChangePasswordNextSignIn = { from: wasTemporary, to: temporary };
    }
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Update user',
      targetType: 'User',
      targetId: userId,
      targetName: upn,
      details: changed,
    });
    if (newHash !== null) {
      await recordAudit(db, actor, at, {
        tenantId,
        category: 'UserManagement',
        activity: 'Reset password',
        targetType: 'User',
        targetId: userId,
        targetName: upn,
        details: { forceChangePasswordNextSignIn: temporary },
      });
    }
    return (await findUserInTenant(db, tenantId, userId))!;
  });
}

/** Blocks or allows sign-in (Entra's "Account enabled"). */
export async function setAccountEnabled(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
  enabled: boolean,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const user = await findUserInTenant(db, tenantId, userId);
    if (!user) throw notFound('The user');
    if (actor.id === userId && !enabled) {
      throw idpError('forbidden', 403, 'You cannot block your own sign-in.');
    }
    const at = nowIso(deps);
    await updateUserProfile(db, userId, { ...user, accountEnabled: enabled }, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: enabled ? 'Enable account' : 'Disable account',
      targetType: 'User',
      targetId: userId,
      targetName: user.userPrincipalName,
      details: { accountEnabled: { from: user.accountEnabled, to: enabled } },
    });
  });
}

/**
 * Sets a new generated password (returned once) and clears any lockout. The password is temporary,
 * as Entra's Reset password makes it: the user chooses their own at the next sign-in.
 */
export async function resetPassword(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  userId: string,
): Promise<{ user: User; password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  return inTransaction(deps.db, async (db) => {
    const user = await findUserInTenant(db, tenantId, userId);
    if (!user) throw notFound('The user');
    const at = nowIso(deps);
    await setPasswordHash(db, userId, hash, at, true);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Reset password',
      targetType: 'User',
      targetId: userId,
      targetName: user.userPrincipalName,
      details: { forceChangePasswordNextSignIn: true },
    });
    return { user: (await findUserInTenant(db, tenantId, userId))!, password };
  });
}

/**
 * Deletes a user as Entra does: they can no longer sign in (their sessions end with the next request)
 * and leave every list, and stay 30 days under Deleted users with their assignments and group
 * memberships, restorable (deleted-users.service.ts), before the purge deletes them for good.
 */
export async function deleteUser(deps: Deps, actor: Actor, tenantId: string, userId: string): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const user = await findUserInTenant(db, tenantId, userId);
    if (!user) throw notFound('The user');
    if (actor.id === userId) throw idpError('forbidden', 403, 'You cannot delete your own account.');
    const at = nowIso(deps);
    await markUserDeleted(db, user, at);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'UserManagement',
      activity: 'Delete user',
      targetType: 'User',
      targetId: userId,
      targetName: user.userPrincipalName,
    });
  });
}
