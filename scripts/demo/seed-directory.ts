// Seeds Federa Directory with the finished tutorial: tenant Contoso (contoso.com) and its
// administrator, the test user B.Simon, the Sentry (self-hosted) gallery application configured for
// the local Workspace's organization, and B.Simon assigned to it. Goes through the same services the
// portal uses, so every rule and audit entry applies.
import {
  addGalleryApplication,
  assign,
  createFirstAdministrator,
  createUser,
  type Deps,
  idpAddresses,
  SYSTEM_ACTOR,
  saveProvisioningSettings,
  setPasswordResetPolicy,
} from '@federa/idp';

export interface DirectorySeed {
  tenantId: string;
  appId: string;
  /** The enterprise application's object id. */
  applicationId: string;
  metadataUrl: string;
  adminUpn: string;
  userUpn: string;
}

export async function seedDirectory(
  deps: Deps,
  options: { password: string; workspaceBaseUrl: string; organization: string },
): Promise<DirectorySeed> {
  const adminUpn = 'admin@contoso.com';
  const { tenant } = await createFirstAdministrator(deps, {
    tenantName: 'Contoso',
    domain: 'contoso.com',
    userPrincipalName: adminUpn,
    displayName: 'Contoso Administrator',
    password: options.password,
    confirmPassword: options.password,
  });
  const { user } = await createUser(deps, SYSTEM_ACTOR, tenant.id, {
    userPrincipalName: 'B.Simon@contoso.com',
    displayName: 'B.Simon',
    mail: 'B.Simon@contoso.com',
    givenName: 'B',
    surname: 'Simon',
    password: options.password,
  });
  const app = await addGalleryApplication(deps, SYSTEM_ACTOR, tenant.id, {
    templateId: 'sentry-self-hosted',
    displayName: 'Sentry',
    values: { host: options.workspaceBaseUrl, organizationSlug: options.organization },
  });
  await assign(deps, SYSTEM_ACTOR, tenant.id, app.id, { principalType: 'user', principalId: user.id });
  // The demo turns self-service password reset on for All (a new tenant has None, as in Entra): a
  // user who added an authenticator app or a passkey on Security info can use "Forgot my password".
  await setPasswordResetPolicy(deps, SYSTEM_ACTOR, tenant.id, { enabledFor: 'all' });
  return {
    tenantId: tenant.id,
    appId: app.appId,
    applicationId: app.id,
    metadataUrl: idpAddresses(deps.config.baseUrl, tenant.id).metadataUrl(app.appId),
    adminUpn,
    userUpn: user.userPrincipalName,
  };
}

/**
 * Turns on automatic provisioning of the Sentry application with the Workspace's SCIM base URL and
 * token (its Provisioning blade, saved): a user assigned in the Directory becomes a member of the
 * organization within seconds, before ever signing in.
 */
export async function seedProvisioning(
  deps: Deps,
  seed: DirectorySeed,
  options: { tenantUrl: string; secretToken: string },
): Promise<void> {
  await saveProvisioningSettings(deps, SYSTEM_ACTOR, seed.tenantId, seed.applicationId, {
    mode: 'automatic',
    tenantUrl: options.tenantUrl,
    secretToken: options.secretToken,
    scope: 'assigned',
    provisionGroups: true,
    statusOn: true,
    notifyOnFailure: true,
  });
}
