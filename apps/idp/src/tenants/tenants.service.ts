import { recordAudit } from '../audit/audit.repository.ts';
import { type Actor, type Deps, newId, nowIso } from '../context.ts';
import { inTransaction } from '../db/schema.ts';
import { FieldErrors, notFound } from '../errors.ts';
import {
  deleteDomain,
  domainOwner,
  findTenant,
  insertDomain,
  insertTenant,
  renameTenant,
  setDefaultDomain,
  type Tenant,
} from './tenants.repository.ts';

const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** A domain name as Entra accepts a custom domain: labels of letters, digits and hyphens, a TLD. */
export function domainError(domain: string): string | null {
  if (domain === '') return 'Enter a domain name, e.g. contoso.com.';
  if (!DOMAIN.test(domain)) {
    return 'Enter a domain name such as contoso.com: letters, digits, hyphens and dots, ending in a top-level domain.';
  }
  return null;
}

export function tenantNameError(name: string): string | null {
  if (name === '') return 'Enter the organization name.';
  if (name.length > 256) return 'The name can be at most 256 characters.';
  return null;
}

export interface CreateTenantInput {
  name: string;
  /** The first verified domain; it becomes the default. */
  domain: string;
}

/** Creates a tenant with its first verified domain. Throws FormErrors on `name` and `domain`. */
export async function createTenant(deps: Deps, actor: Actor, input: CreateTenantInput): Promise<Tenant> {
  const name = input.name.trim();
  const domain = input.domain.trim().toLowerCase();
  return inTransaction(deps.db, async (db) => {
    const errors = new FieldErrors();
    const nameProblem = tenantNameError(name);
    if (nameProblem) errors.add('name', nameProblem);
    const domainProblem = domainError(domain);
    if (domainProblem) errors.add('domain', domainProblem);
    else if (await domainOwner(db, domain))
      errors.add('domain', `The domain ${domain} is already used by a tenant.`);
    errors.throwIfAny();
    const at = nowIso(deps);
    const id = newId();
    await insertTenant(db, { id, name, createdAt: at });
    await insertDomain(db, { tenantId: id, domain, isDefault: true, createdAt: at });
    await recordAudit(db, actor, at, {
      tenantId: id,
      category: 'TenantManagement',
      activity: 'Create tenant',
      targetType: 'Tenant',
      targetId: id,
      targetName: name,
      details: { domain },
    });
    return (await findTenant(db, id))!;
  });
}

/**
 * Adds a verified domain. Federa has no DNS to check: the admin's word verifies it (Entra would ask
 * for a TXT record first).
 */
export async function addDomain(deps: Deps, actor: Actor, tenantId: string, input: string): Promise<Tenant> {
  const domain = input.trim().toLowerCase();
  return inTransaction(deps.db, async (db) => {
    const tenant = await findTenant(db, tenantId);
    if (!tenant) throw notFound('The tenant');
    const errors = new FieldErrors();
    const problem = domainError(domain);
    if (problem) errors.add('domain', problem);
    else if (await domainOwner(db, domain))
      errors.add('domain', `The domain ${domain} is already used by a tenant.`);
    errors.throwIfAny();
    const at = nowIso(deps);
    await insertDomain(db, { tenantId, domain, isDefault: false, createdAt: at });
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Add verified domain',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenant.name,
      details: { domain },
    });
    return (await findTenant(db, tenantId))!;
  });
}

/** Removes a domain that no user's UPN uses; the default domain cannot be removed. */
export async function removeDomain(deps: Deps, actor: Actor, tenantId: string, input: string): Promise<void> {
  const domain = input.trim().toLowerCase();
  await inTransaction(deps.db, async (db) => {
    const tenant = await findTenant(db, tenantId);
    if (!tenant) throw notFound('The tenant');
    const found = tenant.domains.find((d) => d.domain === domain);
    const errors = new FieldErrors();
    if (!found) errors.add('domain', `${domain} is not a domain of this tenant.`);
    else if (found.isDefault)
      errors.add('domain', 'The default domain cannot be removed; make another one the default first.');
    else {
      const users = await db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('upn_key', 'like', `%@${domain}`)
        .limit(1)
        .execute();
      if (users.length > 0)
        errors.add('domain', `Users still sign in with @${domain}; change their user names first.`);
    }
    errors.throwIfAny();
    const at = nowIso(deps);
    await deleteDomain(db, tenantId, domain);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Remove verified domain',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenant.name,
      details: { domain },
    });
  });
}

export async function makeDefaultDomain(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  domain: string,
): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const tenant = await findTenant(db, tenantId);
    if (!tenant) throw notFound('The tenant');
    if (!tenant.domains.some((d) => d.domain === domain.toLowerCase())) {
      const errors = new FieldErrors();
      errors.add('domain', `${domain} is not a domain of this tenant.`);
      errors.throwIfAny();
    }
    const at = nowIso(deps);
    await setDefaultDomain(db, tenantId, domain);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Set default domain',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: tenant.name,
      details: { domain: domain.toLowerCase() },
    });
  });
}

export async function updateTenantName(
  deps: Deps,
  actor: Actor,
  tenantId: string,
  input: string,
): Promise<void> {
  const name = input.trim();
  await inTransaction(deps.db, async (db) => {
    const tenant = await findTenant(db, tenantId);
    if (!tenant) throw notFound('The tenant');
    const errors = new FieldErrors();
    const problem = tenantNameError(name);
    if (problem) errors.add('name', problem);
    errors.throwIfAny();
    const at = nowIso(deps);
    await renameTenant(db, tenantId, name);
    await recordAudit(db, actor, at, {
      tenantId,
      category: 'TenantManagement',
      activity: 'Update tenant',
      targetType: 'Tenant',
      targetId: tenantId,
      targetName: name,
      details: { name: { from: tenant.name, to: name } },
    });
  });
}
