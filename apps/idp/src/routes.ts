import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerAdminApi } from './api/api.ts';
import * as apiTokens from './api-tokens/api-tokens.routes.ts';
import * as applications from './applications/applications.routes.ts';
import * as claims from './applications/claims.routes.ts';
import * as sso from './applications/sso.routes.ts';
import * as assignments from './assignments/assignments.routes.ts';
import * as unassign from './assignments/unassign.routes.ts';
import { auditPage } from './audit/audit.routes.ts';
import * as certificates from './certificates/certificates.routes.ts';
import * as namedLocations from './conditional-access/named-locations.routes.ts';
import * as caPolicies from './conditional-access/policies.routes.ts';
import { whatIfPage } from './conditional-access/what-if.routes.ts';
import type { AppDeps } from './context.ts';
import * as groupRemovals from './groups/group-removals.routes.ts';
import * as groups from './groups/groups.routes.ts';
import * as keepSignedIn from './keep-signed-in/keep-signed-in.routes.ts';
import * as mfaAdmin from './mfa/admin.routes.ts';
import * as passkeyAssets from './mfa/passkeys/assets.ts';
import * as passkeyStep from './mfa/passkeys/passkey-step.routes.ts';
import * as securityInfoPasskey from './mfa/passkeys/security-info-passkey.routes.ts';
import * as securityInfo from './mfa/security-info.routes.ts';
import { myAppsPage, myAppsSignIn } from './myapps/myapps.routes.ts';
import * as passwordReset from './password-reset/password-reset.routes.ts';
import * as passwordResetSettings from './password-reset/settings.routes.ts';
import { landingPage, portalHome, setupPage } from './portal/overview.routes.ts';
import { setupSubmit } from './portal/setup.routes.ts';
import * as provisioning from './provisioning/provisioning.routes.ts';
import { signInDetailPage } from './sign-in-logs/sign-in-detail.routes.ts';
import { signInLogsPage } from './sign-in-logs/sign-in-logs.routes.ts';
import * as mfaStep from './signin/mfa-step.routes.ts';
import { loginPage, loginSubmit, signedOutPage, signOut } from './signin/signin.routes.ts';
import { continueSignOut } from './single-logout/continue.ts';
import { samlEndpoint } from './sso/endpoint.ts';
import { federationMetadataRoute } from './sso/metadata.ts';
import * as updatePassword from './temporary-password/update-password.routes.ts';
import * as tenants from './tenants/tenants.routes.ts';
import * as testSignIn from './test-sign-in/test-sign-in.routes.ts';
import * as deleteUser from './users/delete-user.routes.ts';
import * as deletedUsers from './users/deleted-users.routes.ts';
import * as users from './users/users.routes.ts';
import * as wizard from './wizard/wizard.routes.ts';

type Handler = (deps: AppDeps, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Every route of Federa Directory, in one place (STYLE.md: an auditor sees them all here). The admin
 * API (`/api/v1/…`) registers its own in `src/api/`. SAML endpoints receiving cross-site posts are the
 * only ones without the CSRF token check; their protection is the SAML message itself.
 */
export function registerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const get = (path: string, handler: Handler) =>
    app.get(path, (request, reply) => handler(deps, request, reply));
  const post = (path: string, handler: Handler) =>
    app.post(path, (request, reply) => handler(deps, request, reply));
  const signInLimit = { rateLimit: { max: deps.config.signInRateLimitPerMinute, timeWindow: 60_000 } };

  // Landing, sign-in, sign-out
  get('/', landingPage);
  get('/:tenant/login', loginPage);
  app.post('/:tenant/login', { config: signInLimit }, (request, reply) => loginSubmit(deps, request, reply));
  post('/signout', signOut);
  get('/signed-out', signedOutPage);
  get('/signout/continue', continueSignOut);

  // The second step of sign-in (MFA) and its registration interrupt (signin/mfa-step.routes.ts)
  get('/:tenant/mfa', mfaStep.mfaPage);
  app.post('/:tenant/mfa', { config: signInLimit }, (request, reply) =>
    mfaStep.mfaSubmit(deps, request, reply),
  );
  post('/:tenant/mfa/cancel', mfaStep.mfaCancel);
  get('/:tenant/mfa/register', mfaStep.mfaRegisterPage);
  app.post('/:tenant/mfa/register', { config: signInLimit }, (request, reply) =>
    mfaStep.mfaRegisterSubmit(deps, request, reply),
  );
  post('/:tenant/mfa/skip', mfaStep.mfaSkip);
  // Passkeys at the MFA step: the assertion, and registration when only a passkey will do (mfa/passkeys/)
  app.post('/:tenant/mfa/passkey', { config: signInLimit }, (request, reply) =>
    passkeyStep.passkeySubmit(deps, request, reply),
  );
  get('/:tenant/mfa/passkey/register', passkeyStep.passkeyRegisterPage);
  app.post('/:tenant/mfa/passkey/register', { config: signInLimit }, (request, reply) =>
    passkeyStep.passkeyRegisterSubmit(deps, request, reply),
  );
  // The passkey pages' two scripts, served from here (no CDN; CSP script-src 'self')
  get('/assets/webauthn.js', passkeyAssets.webauthnScript);
  get('/assets/passkey.js', passkeyAssets.passkeyScript);

  // Self-service password reset from the sign-in page's "Forgot my password" (password-reset/)
  get('/:tenant/passwordreset', passwordReset.resetStartPage);
  app.post('/:tenant/passwordreset', { config: signInLimit }, (request, reply) =>
    passwordReset.resetStartSubmit(deps, request, reply),
  );
  get('/:tenant/passwordreset/verify', passwordReset.verifyPage);
  app.post('/:tenant/passwordreset/verify', { config: signInLimit }, (request, reply) =>
    passwordReset.verifyCodeSubmit(deps, request, reply),
  );
  app.post('/:tenant/passwordreset/passkey', { config: signInLimit }, (request, reply) =>
    passwordReset.verifyPasskeySubmit(deps, request, reply),
  );
  get('/:tenant/passwordreset/new', passwordReset.newPasswordPage);
  app.post('/:tenant/passwordreset/new', { config: signInLimit }, (request, reply) =>
    passwordReset.newPasswordSubmit(deps, request, reply),
  );

  // "Update your password": a temporary password is replaced before the sign-in goes on (temporary-password/)
  get('/:tenant/update-password', updatePassword.updatePasswordPage);
  app.post('/:tenant/update-password', { config: signInLimit }, (request, reply) =>
    updatePassword.updatePasswordSubmit(deps, request, reply),
  );

  // "Stay signed in?" after an interactive sign-in (keep-signed-in/)
  get('/:tenant/kmsi', keepSignedIn.keepSignedInPage);
  post('/:tenant/kmsi', keepSignedIn.keepSignedInSubmit);

  // SAML: SSO and SLO (Redirect and POST), federation metadata
  get('/:tenant/saml2', (d, request, reply) => samlEndpoint(d, request, reply, 'redirect'));
  app.post('/:tenant/saml2', { config: { csrf: false } }, (request, reply) =>
    samlEndpoint(deps, request, reply, 'post'),
  );
  get('/:tenant/federationmetadata/2007-06/federationmetadata.xml', federationMetadataRoute);

  // My Apps and IdP-initiated sign-in (the user access URL)
  get('/myapps', myAppsPage);
  get('/myapps/signin/:appId', myAppsSignIn);

  // Security info: the user's own authentication methods
  get('/myapps/security-info', securityInfo.securityInfoPage);
  get('/myapps/security-info/add', securityInfo.addMethodPage);
  post('/myapps/security-info/add', securityInfo.addMethodSubmit);
  get('/myapps/security-info/passkey', securityInfoPasskey.addPasskeyPage);
  post('/myapps/security-info/passkey', securityInfoPasskey.addPasskeySubmit);
  get('/myapps/security-info/:methodId/remove', securityInfo.removeMethod);
  post('/myapps/security-info/:methodId/remove', securityInfo.removeMethod);

  // Admin portal: first administrator, overview
  get('/portal', portalHome);
  get('/portal/setup', setupPage);
  app.post('/portal/setup', { config: signInLimit }, (request, reply) => setupSubmit(deps, request, reply));

  // Tenants
  get('/portal/tenants', tenants.tenantsList);
  post('/portal/tenants', tenants.createTenantSubmit);
  get('/portal/tenants/:id', tenants.tenantDetail);
  post('/portal/tenants/:id', tenants.renameTenantSubmit);
  post('/portal/tenants/:id/domains', tenants.addDomainSubmit);
  post('/portal/tenants/:id/domains/remove', tenants.removeDomainSubmit);
  post('/portal/tenants/:id/domains/default', tenants.defaultDomainSubmit);
  get('/portal/tenants/:id/security-defaults', mfaAdmin.securityDefaultsPage);
  post('/portal/tenants/:id/security-defaults', mfaAdmin.securityDefaultsSubmit);

  // Users
  get('/portal/users', users.usersList);
  get('/portal/users/new', users.newUserPage);
  post('/portal/users', users.createUserSubmit);
  get('/portal/users/:id', users.userDetail);
  get('/portal/users/:id/edit', users.editUserPage);
  post('/portal/users/:id', users.editUserSubmit);
  post('/portal/users/:id/reset-password', users.resetPasswordSubmit);
  post('/portal/users/:id/block', users.setEnabledSubmit(false));
  post('/portal/users/:id/unblock', users.setEnabledSubmit(true));
  get('/portal/users/:id/delete', deleteUser.deleteUserAction.page);
  post('/portal/users/:id/delete', deleteUser.deleteUserAction.submit);
  get('/portal/users/deleted', deletedUsers.deletedUsersPage);
  post('/portal/users/deleted/:id/restore', deletedUsers.restoreUserSubmit);
  get('/portal/users/deleted/:id/delete', deletedUsers.deletePermanentlyAction.page);
  post('/portal/users/deleted/:id/delete', deletedUsers.deletePermanentlyAction.submit);
  get('/portal/users/settings', keepSignedIn.userSettingsPage);
  post('/portal/users/settings', keepSignedIn.userSettingsSubmit);
  get('/portal/users/password-reset', passwordResetSettings.passwordResetSettingsPage);
  post('/portal/users/password-reset', passwordResetSettings.passwordResetSettingsSubmit);
  get('/portal/users/:id/authentication-methods', mfaAdmin.userMethodsPage);
  post('/portal/users/:id/authentication-methods/state', mfaAdmin.perUserStateSubmit);
  get('/portal/users/:id/authentication-methods/reregister', mfaAdmin.reregisterAction.page);
  post('/portal/users/:id/authentication-methods/reregister', mfaAdmin.reregisterAction.submit);

  // Groups
  get('/portal/groups', groups.groupsList);
  get('/portal/groups/new', groups.newGroupPage);
  post('/portal/groups', groups.createGroupSubmit);
  get('/portal/groups/:id', groups.groupDetail);
  post('/portal/groups/:id/members', groups.addMemberSubmit);
  get('/portal/groups/:id/members/:userId/remove', groupRemovals.removeMemberAction.page);
  post('/portal/groups/:id/members/:userId/remove', groupRemovals.removeMemberAction.submit);
  get('/portal/groups/:id/delete', groupRemovals.deleteGroupAction.page);
  post('/portal/groups/:id/delete', groupRemovals.deleteGroupAction.submit);

  // Enterprise applications: list, gallery, overview, properties
  get('/portal/applications', applications.applicationsList);
  get('/portal/applications/new', applications.galleryPage);
  get('/portal/applications/new/:template', applications.galleryAddPage);
  post('/portal/applications/new/:template', applications.galleryAddSubmit);
  get('/portal/applications/:id', applications.applicationOverview);
  get('/portal/applications/:id/properties', applications.propertiesPage);
  post('/portal/applications/:id/properties', applications.propertiesSubmit);
  post('/portal/applications/:id/delete', applications.deleteApplicationSubmit);

  // Users and groups (assignments, app roles)
  get('/portal/applications/:id/users', assignments.assignmentsPage);
  post('/portal/applications/:id/assignments', assignments.assignSubmit);
  get('/portal/applications/:id/assignments/:assignmentId/remove', unassign.unassignAtApplication.page);
  post('/portal/applications/:id/assignments/:assignmentId/remove', unassign.unassignAtApplication.submit);
  post('/portal/applications/:id/roles', assignments.createRoleSubmit);
  post('/portal/applications/:id/roles/:roleId/remove', assignments.deleteRoleSubmit);

  // Single sign-on: the page, Basic SAML Configuration, SP metadata, test
  get('/portal/applications/:id/sso', sso.ssoPage);
  get('/portal/applications/:id/sso/basic', sso.basicSamlPage);
  post('/portal/applications/:id/sso/basic', sso.basicSamlSubmit);
  post('/portal/applications/:id/sso/metadata', sso.metadataUploadSubmit);
  get('/portal/applications/:id/test', sso.testPage);
  post('/portal/applications/:id/test/someone-else', testSignIn.testAsSomeoneElseSubmit);

  // Attributes & Claims
  get('/portal/applications/:id/sso/claims', claims.claimsPage);
  post('/portal/applications/:id/sso/claims', claims.addClaimSubmit);
  get('/portal/applications/:id/sso/claims/new', claims.newClaimPage);
  get('/portal/applications/:id/sso/claims/nameid', claims.nameIdPage);
  post('/portal/applications/:id/sso/claims/nameid', claims.nameIdSubmit);
  get('/portal/applications/:id/sso/claims/groups', claims.groupClaimPage);
  post('/portal/applications/:id/sso/claims/groups', claims.groupClaimSubmit);
  post('/portal/applications/:id/sso/claims/role', claims.roleClaimSubmit);
  get('/portal/applications/:id/sso/claims/:claimId', claims.editClaimPage);
  post('/portal/applications/:id/sso/claims/:claimId', claims.editClaimSubmit);
  post('/portal/applications/:id/sso/claims/:claimId/remove', claims.removeClaimSubmit);

  // SAML Signing Certificate
  get('/portal/applications/:id/certificates', certificates.certificatesPage);
  post('/portal/applications/:id/certificates', certificates.newCertificateSubmit);
  post('/portal/applications/:id/certificates/signing', certificates.signingSubmit);
  post('/portal/applications/:id/certificates/:certId/activate', certificates.activateCertificateSubmit);
  post('/portal/applications/:id/certificates/:certId/delete', certificates.deleteCertificateSubmit);
  get('/portal/applications/:id/certificates/:certId/download', certificates.downloadCertificate);

  // Provisioning (SCIM client): the blade, Test Connection, mappings, on demand, restart, logs (provisioning/)
  get('/portal/applications/:id/provisioning', provisioning.provisioningPage);
  post('/portal/applications/:id/provisioning', provisioning.provisioningSubmit);
  post('/portal/applications/:id/provisioning/test', provisioning.testConnectionSubmit);
  post('/portal/applications/:id/provisioning/restart', provisioning.restartSubmit);
  get('/portal/applications/:id/provisioning/mappings/new', provisioning.mappingPage);
  post('/portal/applications/:id/provisioning/mappings', provisioning.mappingSubmit);
  get('/portal/applications/:id/provisioning/mappings/:index', provisioning.mappingPage);
  post('/portal/applications/:id/provisioning/mappings/:index', provisioning.mappingSubmit);
  post('/portal/applications/:id/provisioning/mappings/:index/remove', provisioning.mappingRemoveSubmit);
  get('/portal/applications/:id/provisioning/on-demand', provisioning.onDemandPage);
  post('/portal/applications/:id/provisioning/on-demand', provisioning.onDemandSubmit);
  get('/portal/applications/:id/provisioning/logs', provisioning.provisioningLogsPage);

  // Enterprise App Configuration Wizard: gallery → single sign-on → users and groups → review → Test.
  // Step 1 creates the application; the later steps edit it through the same services as its pages.
  get('/portal/wizard', wizard.wizardGalleryPage);
  get('/portal/wizard/new/:template', wizard.wizardAddPage);
  post('/portal/wizard/new/:template', wizard.wizardAddSubmit);
  get('/portal/wizard/:id/sso', wizard.wizardSsoPage);
  post('/portal/wizard/:id/sso', wizard.wizardSsoSubmit);
  get('/portal/wizard/:id/users', wizard.wizardUsersPage);
  post('/portal/wizard/:id/users', wizard.wizardAssignSubmit);
  get('/portal/wizard/:id/users/:assignmentId/remove', unassign.unassignInWizard.page);
  post('/portal/wizard/:id/users/:assignmentId/remove', unassign.unassignInWizard.submit);
  get('/portal/wizard/:id/review', wizard.wizardReviewPage);
  post('/portal/wizard/:id/review', wizard.wizardFinishSubmit);

  // Logs
  get('/portal/sign-ins', signInLogsPage);
  get('/portal/sign-ins/:id', signInDetailPage);
  get('/portal/audit', auditPage);

  // Conditional Access: policies, named locations, What If (conditional-access/)
  get('/portal/conditional-access', caPolicies.policiesPage);
  get('/portal/conditional-access/policies/new', caPolicies.newPolicyPage);
  post('/portal/conditional-access/policies', caPolicies.createPolicySubmit);
  get('/portal/conditional-access/policies/:id', caPolicies.editPolicyPage);
  post('/portal/conditional-access/policies/:id', caPolicies.editPolicySubmit);
  get('/portal/conditional-access/policies/:id/delete', caPolicies.deletePolicyAction.page);
  post('/portal/conditional-access/policies/:id/delete', caPolicies.deletePolicyAction.submit);
  get('/portal/conditional-access/named-locations', namedLocations.namedLocationsPage);
  get('/portal/conditional-access/named-locations/new', namedLocations.newNamedLocationPage);
  post('/portal/conditional-access/named-locations', namedLocations.createNamedLocationSubmit);
  get('/portal/conditional-access/named-locations/:id', namedLocations.editNamedLocationPage);
  post('/portal/conditional-access/named-locations/:id', namedLocations.editNamedLocationSubmit);
  get('/portal/conditional-access/named-locations/:id/delete', namedLocations.deleteNamedLocationAction.page);
  post(
    '/portal/conditional-access/named-locations/:id/delete',
    namedLocations.deleteNamedLocationAction.submit,
  );
  get('/portal/conditional-access/what-if', whatIfPage);

  // Admin API tokens (made here, shown once; the API takes them as bearer tokens)
  get('/portal/api-tokens', apiTokens.apiTokensPage);
  post('/portal/api-tokens', apiTokens.createApiTokenSubmit);
  post('/portal/api-tokens/:id/revoke', apiTokens.revokeApiTokenSubmit);

  // Admin API: /api/v1/… (bearer token; OpenAPI at /api/v1/openapi.json), one file per resource in src/api/
  registerAdminApi(app, deps);
}
