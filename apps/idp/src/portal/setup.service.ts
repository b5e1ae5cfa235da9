import { type Actor, type Deps, SYSTEM_ACTOR } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, idpError } from '../errors.ts';
import { domainOwner, findTenant, type Tenant } from '../tenants/tenants.repository.ts';
import { createTenant, domainError, tenantNameError } from '../tenants/tenants.service.ts';
import { countAdmins, type User } from '../users/users.repository.ts';
import { createUser, passwordError } from '../users/users.service.ts';

export interface FirstAdministratorInput {
  tenantName: string;
  domain: string;
  userPrincipalName: string;
  displayName: string;
  password: string;
  confirmPassword: string;
}

/** Marks the install as having had its first administrator; the primary key makes it happen once. */
async function claimFirstAdmin(deps: Deps, at: string): Promise<void> {
  const taken = await deps.db
    .selectFrom('install_state')
    .select('key')
    .where('key', '=', 'first-admin')
    .executeTakeFirst();
  if (taken || (await countAdmins(deps.db)) > 0) {
    throw idpError(
      'setup_done',
      409,
      'This directory already has an administrator. Sign in to the portal instead.',
    );
  }
  await deps.db
    .insertInto('install_state')
    .values({ key: 'first-admin', value: 'portal', created_at: at })
    .execute();
}

/**
 * A fresh install's first visit to the portal: creates the tenant (with its first verified domain) and
 * its first administrator with the password they chose. Works once; afterwards `setup_done`.
 */
export async function createFirstAdministrator(
  deps: Deps,
  input: FirstAdministratorInput,
): Promise<{ tenant: Tenant; user: User }> {
  const errors = new FieldErrors();
  const domain = input.domain.trim().toLowerCase();
  const upn = input.userPrincipalName.trim();
  const nameProblem = tenantNameError(input.tenantName.trim());
  if (nameProblem) errors.add('tenantName', nameProblem);
  const domainProblem = domainError(domain);
  if (domainProblem) errors.add('domain', domainProblem);
  if (!upn.includes('@'))
    errors.add(
      'userPrincipalName',
      `Enter the administrator's user name, e.g. admin@${domain || 'contoso.com'}.`,
    );
  else if (!domainProblem && upn.slice(upn.lastIndexOf('@') + 1).toLowerCase() !== domain) {
    errors.add('userPrincipalName', `The user name must end in @${domain}, the tenant's domain.`);
  }
  if (input.displayName.trim() === '') errors.add('displayName', 'Enter the administrator’s name.');
  const passwordProblem = passwordError(input.password);
  if (passwordProblem) errors.add('password', passwordProblem);
  else if (input.password !== input.confirmPassword)
    errors.add('confirmPassword', 'The two passwords are not the same.');
  errors.throwIfAny();

  return inTransaction(deps.db, async (db) => {
    const scoped = { ...deps, db };
    await claimFirstAdmin(scoped, deps.clock.now().toISOString());
    const actor: Actor = { id: null, name: upn, correlationId: null };
    const tenant = await createTenant(scoped, actor, { name: input.tenantName, domain });
    const { user } = await createUser(scoped, actor, tenant.id, {
      userPrincipalName: upn,
      displayName: input.displayName,
      // The address the administrator signed up with, as Entra records it: apps that key on email
      // (Sentry, the Workspace) need one to finish their SSO setup.
      mail: upn,
      isAdmin: true,
      password: input.password,
    });
    return { tenant, user };
  });
}

/**
 * `federa-idp create-admin`: an administrator with a generated password (returned once), in the tenant
 * that owns the domain (`domain`, else the user name's), which is created first when none does.
 */
export async function createAdministrator(
  deps: Deps,
  input: {
    userPrincipalName: string;
    tenantName?: string | undefined;
    domain?: string | undefined;
    displayName?: string | undefined;
  },
  actor: Actor = SYSTEM_ACTOR,
): Promise<{ tenant: Tenant; user: User; password: string; tenantCreated: boolean }> {
  const upn = input.userPrincipalName.trim();
  const domain = (input.domain ?? upn.slice(upn.lastIndexOf('@') + 1)).trim().toLowerCase();
  return inTransaction(deps.db, async (db) => {
    const scoped = { ...deps, db };
    const ownerId = await domainOwner(db, domain);
    let tenant = ownerId ? await findTenant(db, ownerId) : null;
    const tenantCreated = !tenant;
    if (!tenant) {
      const label = domain.split('.')[0] ?? domain;
      const name = input.tenantName?.trim() || label.charAt(0).toUpperCase() + label.slice(1);
      tenant = await createTenant(scoped, actor, { name, domain });
    }
    const { user, password } = await createUser(scoped, actor, tenant.id, {
      userPrincipalName: upn,
      displayName: input.displayName?.trim() || upn.slice(0, upn.lastIndexOf('@')) || upn,
      isAdmin: true,
    });
    const taken = await db
      .selectFrom('install_state')
      .select('key')
      .where('key', '=', 'first-admin')
      .executeTakeFirst();
    if (!taken) {
      await db
        .insertInto('install_state')
        .values({ key: 'first-admin', value: 'cli', created_at: deps.clock.now().toISOString() })
        .execute();
    }
    return { tenant, user, password, tenantCreated };
  });
}
