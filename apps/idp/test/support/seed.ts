import type { Application } from '../../src/applications/applications.repository.ts';
import { addGalleryApplication } from '../../src/applications/applications.service.ts';
import { assign } from '../../src/assignments/assignments.service.ts';
import type { Deps } from '../../src/context.ts';
import type { Tenant } from '../../src/tenants/tenants.repository.ts';
import { createTenant } from '../../src/tenants/tenants.service.ts';
import type { User } from '../../src/users/users.repository.ts';
import { createUser } from '../../src/users/users.service.ts';
import { TEST_ACTOR } from './harness.ts';

export const ADMIN_PASSWORD = 'Admin-Pa55word!';
export const USER_PASSWORD = 'B.Simon-Pa55word!';

/** Federa Workspace's organization `acme` at Sentry's paths (DESIGN.md "Addresses"). */
export const ACME = {
  host: 'http://localhost:5000',
  entityId: 'http://localhost:5000/saml/metadata/acme/',
  acsUrl: 'http://localhost:5000/saml/acs/acme/',
  signOnUrl: 'http://localhost:5000/organizations/acme/',
} as const;

export interface Contoso {
  tenant: Tenant;
  admin: User;
  simon: User;
  /** Not assigned to the app. */
  other: User;
  app: Application;
}

/**
 * The demo's end state through the services (no HTTP): tenant Contoso (contoso.com), administrator
 * admin@contoso.com, B.Simon@contoso.com, the Sentry (self-hosted) gallery app for `acme` at
 * http://localhost:5000 assigned to B.Simon, and an unassigned user.
 */
export async function seedContoso(deps: Deps): Promise<Contoso> {
  const tenant = await createTenant(deps, TEST_ACTOR, { name: 'Contoso', domain: 'contoso.com' });
  const { user: admin } = await createUser(deps, TEST_ACTOR, tenant.id, {
    userPrincipalName: 'admin@contoso.com',
    displayName: 'Contoso Admin',
    isAdmin: true,
    password: ADMIN_PASSWORD,
  });
  const { user: simon } = await createUser(deps, TEST_ACTOR, tenant.id, {
    userPrincipalName: 'B.Simon@contoso.com',
    displayName: 'B.Simon',
    givenName: 'B.',
    surname: 'Simon',
    mail: 'B.Simon@contoso.com',
    password: USER_PASSWORD,
  });
  const { user: other } = await createUser(deps, TEST_ACTOR, tenant.id, {
    userPrincipalName: 'E.Other@contoso.com',
    displayName: 'E.Other',
    password: USER_PASSWORD,
  });
  const app = await addGalleryApplication(deps, TEST_ACTOR, tenant.id, {
    templateId: 'sentry-self-hosted',
    displayName: 'Sentry',
    values: { host: ACME.host, organizationSlug: 'acme' },
  });
  await assign(deps, TEST_ACTOR, tenant.id, app.id, { principalType: 'user', principalId: simon.id });
  return { tenant, admin, simon, other, app };
}
