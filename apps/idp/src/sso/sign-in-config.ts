import type { KeyObject } from 'node:crypto';
import { parseCertificate, type SigningCredential } from '@federa/saml';
import {
  type Application,
  findApplication,
  findApplicationByIdentifier,
} from '../applications/applications.repository.ts';
import { type AppRole, listAppRoles } from '../assignments/assignments.repository.ts';
import { activeCredential } from '../certificates/certificates.service.ts';
import type { AppDeps } from '../context.ts';
import { findTenantByKey, type Tenant } from '../tenants/tenants.repository.ts';

// What every sign-in reads of the configuration (`CONFIG_TABLES`), kept in the configuration cache
// until any of it changes on any instance. Who signs in (the user, their groups and assignments, the
// session) is never kept: a block or an unassignment takes effect on the next request. Values are
// shared and frozen: callers must not change them. Nothing found is not kept (the names looked up come
// from anyone: a URL segment, a request's Issuer). Loads read through the cache's own database, never a
// transaction, whose uncommitted rows must not be kept.

/** An application as a sign-in uses it, with what it would otherwise read or parse each time. */
export interface SignInApplication extends Application {
  /** Its app roles, for the role claim. */
  readonly appRoles: readonly AppRole[];
  /** The key and certificate it signs with now; null when no certificate is active. */
  readonly credential: SigningCredential | null;
  /** The public keys of the SP's signing certificates (uploaded SP metadata), to verify its requests. */
  readonly spKeys: readonly KeyObject[];
}

/** A tenant named as URLs name it (GUID or verified domain). */
export function signInTenant(deps: AppDeps, segment: string): Promise<Tenant | null> {
  return deps.cache.get(JSON.stringify(['tenant', segment.toLowerCase()]), () =>
    findTenantByKey(deps.cache.db, segment),
  );
}

/** The application of the tenant that has `identifier` among its Identifiers (exact match). */
export function signInApplicationByIdentifier(
  deps: AppDeps,
  tenantId: string,
  identifier: string,
): Promise<SignInApplication | null> {
  return deps.cache.get(JSON.stringify(['application-by-identifier', tenantId, identifier]), async () =>
    withSigning(deps, await findApplicationByIdentifier(deps.cache.db, tenantId, identifier)),
  );
}

/** An application of the tenant by its object id. */
export function signInApplication(
  deps: AppDeps,
  tenantId: string,
  id: string,
): Promise<SignInApplication | null> {
  return deps.cache.get(JSON.stringify(['application', tenantId, id]), async () =>
    withSigning(deps, await findApplication(deps.cache.db, tenantId, id)),
  );
}

async function withSigning(deps: AppDeps, app: Application | null): Promise<SignInApplication | null> {
  if (!app) return null;
  const [appRoles, credential] = await Promise.all([
    listAppRoles(deps.cache.db, app.id),
    activeCredential({ db: deps.cache.db, config: deps.config }, app.id),
  ]);
  const spKeys = app.spSigningCertificates.map((c) => parseCertificate(c).publicKey);
  return { ...app, appRoles, credential, spKeys };
}
