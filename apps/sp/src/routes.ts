import type { FastifyInstance } from 'fastify';
import * as accounts from './accounts/accounts.routes.ts';
import * as emailVerification from './accounts/email-verification.routes.ts';
import { acs } from './acs/acs.routes.ts';
import * as api from './api/api.routes.ts';
import { attemptsPage } from './attempts/attempts.routes.ts';
import { auditLogPage } from './audit/audit.routes.ts';
import type { Context } from './context.ts';
import * as domains from './domains/domains.routes.ts';
import * as link from './identities/link.routes.ts';
import * as setupIdentity from './identities/setup-identity.routes.ts';
import { outboxPage } from './mail/outbox.routes.ts';
import * as organizations from './organizations/organizations.routes.ts';
import * as removeMember from './organizations/remove-member.routes.ts';
import * as passwordReset from './password-reset/password-reset.routes.ts';
import * as authSettings from './providers/settings.routes.ts';
import * as signingKeys from './request-signing/signing-keys.routes.ts';
import * as scimSettings from './scim/scim-settings.routes.ts';
import * as scimDiscovery from './scim/server/discovery.routes.ts';
import * as scimGroups from './scim/server/groups.routes.ts';
import { registerScimBodies, SCIM_ROUTE } from './scim/server/http.ts';
import * as scimUsers from './scim/server/users.routes.ts';
import * as login from './sso/login.routes.ts';
import * as logout from './sso/logout.ts';
import { spMetadata } from './sso/sp-metadata.ts';
import * as teams from './teams/teams.routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the kit's CSRF check is skipped (SAML endpoints receiving the IdP's cross-site POST). */
    csrf?: boolean;
  }
}

/**
 * Every route of Federa Workspace, in one place for an auditor. All POSTs carry the session's CSRF
 * token (the kit checks it) except the SAML endpoints that receive the IdP's cross-site POST, which
 * opt out with `csrf: false` and are protected by InResponseTo, the browser binding and the replay
 * cache instead, and the SCIM server's, which are bearer-authenticated (`auth: 'bearer'`: no session,
 * no CSRF token; the organization's SCIM token is their only credential).
 */
export function registerRoutes(app: FastifyInstance, ctx: Context): void {
  const signInLimit = { rateLimit: { max: ctx.config.signInRateLimitPerMinute, timeWindow: 60_000 } };

  // Accounts
  app.get('/', organizations.home(ctx));
  app.get('/auth/login/', accounts.signInPage(ctx));
  app.post('/auth/login/', { config: signInLimit }, accounts.signIn(ctx));
  app.get('/auth/register/', accounts.signUpPage(ctx));
  app.post('/auth/register/', { config: signInLimit }, accounts.signUp(ctx));
  app.post('/auth/logout/', accounts.signOut(ctx));
  app.post('/auth/verify-email/', emailVerification.resendVerification(ctx));
  app.get('/account/recover/', passwordReset.recoverPage(ctx));
  app.post('/account/recover/', { config: signInLimit }, passwordReset.recover(ctx));
  app.get('/account/recover/confirm/:token/', passwordReset.newPasswordPage(ctx));
  app.post('/account/recover/confirm/:token/', { config: signInLimit }, passwordReset.setNewPassword(ctx));
  app.get('/auth/verify-email/:token/', emailVerification.verifyEmail(ctx));

  // Organizations, members, invitations
  app.get('/organizations/new/', organizations.newOrganizationPage(ctx));
  app.post('/organizations/new/', organizations.createOrganizationRoute(ctx));
  app.get('/organizations/:org/', organizations.organizationHome(ctx));
  app.get('/settings/:org/members/', organizations.membersPage(ctx));
  app.post('/settings/:org/members/invite/', organizations.invite(ctx));
  app.post('/settings/:org/members/:userId/role/', organizations.changeRole(ctx));
  app.get('/settings/:org/members/:userId/remove/', removeMember.removeMemberPage(ctx));
  app.post('/settings/:org/members/:userId/remove/', removeMember.removeMemberSubmit(ctx));
  app.get('/accept-invite/:token/', organizations.acceptInvitePage(ctx));
  app.post('/accept-invite/:token/', organizations.acceptInvite(ctx));

  // Teams (every member sees them; owners and managers change them)
  app.get('/settings/:org/teams/', teams.teamsPage(ctx));
  app.post('/settings/:org/teams/', teams.createTeamRoute(ctx));
  app.get('/settings/:org/teams/:team/', teams.teamPage(ctx));
  app.post('/settings/:org/teams/:team/rename/', teams.renameTeamRoute(ctx));
  app.post('/settings/:org/teams/:team/members/', teams.addTeamMemberRoute(ctx));
  app.post('/settings/:org/teams/:team/members/:membershipId/remove/', teams.removeTeamMemberRoute(ctx));
  app.get('/settings/:org/teams/:team/delete/', teams.deleteTeamPage(ctx));
  app.post('/settings/:org/teams/:team/delete/', teams.deleteTeamSubmit(ctx));

  // SAML endpoints (paths are Sentry's)
  app.get('/saml/metadata/:org/', spMetadata(ctx));
  app.post('/saml/acs/:org/', { config: { csrf: false } }, acs(ctx));
  app.get('/saml/sls/:org/', logout.slsRedirect(ctx));
  app.post('/saml/sls/:org/', { config: { csrf: false } }, logout.slsPost(ctx));
  app.get('/auth/login/:org/', login.organizationLoginPage(ctx));
  app.post('/auth/login/:org/', login.startOrganizationLogin(ctx));

  // Linking an SSO identity to an existing account once the account has proved itself
  app.get('/auth/link/:org/', link.linkPage(ctx));
  app.post('/auth/link/:org/password/', { config: signInLimit }, link.linkWithPassword(ctx));
  app.post('/auth/link/:org/email/', { config: signInLimit }, link.linkByEmail(ctx));
  app.post('/auth/link/:org/separate/', link.linkSeparateAccount(ctx));
  app.get('/auth/link/confirm/:token/', link.confirmLinkPage(ctx));
  app.post('/auth/link/confirm/:token/', link.confirmLink(ctx));

  // Organization auth settings (owners and managers)
  app.get('/settings/:org/auth/', authSettings.authPage(ctx));
  app.get('/settings/:org/auth/configure/:kind/', authSettings.configurePage(ctx));
  app.post('/settings/:org/auth/configure/:kind/', authSettings.configure(ctx));
  app.post('/settings/:org/auth/test/', authSettings.testAndFinish(ctx));
  app.get('/settings/:org/auth/setup-identity/', setupIdentity.setupIdentityPage(ctx));
  app.post('/settings/:org/auth/setup-identity/confirm/', setupIdentity.confirmSetupIdentityRoute(ctx));
  app.post('/settings/:org/auth/setup-identity/decline/', setupIdentity.declineSetupIdentityRoute(ctx));
  app.post('/settings/:org/auth/settings/', authSettings.saveOptions(ctx));
  app.post('/settings/:org/auth/mapping/', authSettings.saveMapping(ctx));
  app.post('/settings/:org/auth/refresh/', authSettings.refresh(ctx));
  app.post('/settings/:org/auth/disable/', authSettings.disable(ctx));
  app.get('/settings/:org/auth/attempts/', attemptsPage(ctx));
  app.post('/settings/:org/auth/scim/enable/', scimSettings.enableScim(ctx));
  app.post('/settings/:org/auth/scim/disable/', scimSettings.disableScimRoute(ctx));
  // SP signing-key rollover: new (next) key, use it, discard/remove; each certificate as a .cer
  app.post('/settings/:org/auth/signing-keys/', signingKeys.newSigningKey(ctx));
  app.post('/settings/:org/auth/signing-keys/:keyId/use/', signingKeys.useNewSigningKey(ctx));
  app.post('/settings/:org/auth/signing-keys/:keyId/remove/', signingKeys.removeSigningKeyRoute(ctx));
  app.get(
    '/settings/:org/auth/signing-keys/:keyId/certificate/',
    signingKeys.downloadSigningCertificate(ctx),
  );

  // Verified domains (owners and managers): what an organization's IdP may speak for
  app.get('/settings/:org/domains/', domains.domainsPage(ctx));
  app.post('/settings/:org/domains/', domains.addDomainRoute(ctx));
  app.post('/settings/:org/domains/:id/verify/', domains.verifyDomainRoute(ctx));
  app.post('/settings/:org/domains/:id/remove/', domains.removeDomainRoute(ctx));

  // Audit log
  app.get('/settings/:org/audit-log/', auditLogPage(ctx));

  // JSON API
  app.get('/api/0/users/me/', api.usersMe(ctx));
  app.get('/api/0/organizations/:org/', api.organizationDetails(ctx));

  // SCIM 2.0 (RFC 7644) at Sentry's paths: authorized by the organization's SCIM bearer token only
  // (no session, no CSRF token), bodies capped, errors as SCIM error bodies (scim/server/http.ts).
  registerScimBodies(app);
  app.get('/api/0/organizations/:org/scim/v2/Users', SCIM_ROUTE, scimUsers.listUsers(ctx));
  app.post('/api/0/organizations/:org/scim/v2/Users', SCIM_ROUTE, scimUsers.createUser(ctx));
  app.get('/api/0/organizations/:org/scim/v2/Users/:id', SCIM_ROUTE, scimUsers.getUser(ctx));
  app.put('/api/0/organizations/:org/scim/v2/Users/:id', SCIM_ROUTE, scimUsers.replaceUser(ctx));
  app.patch('/api/0/organizations/:org/scim/v2/Users/:id', SCIM_ROUTE, scimUsers.patchUser(ctx));
  app.delete('/api/0/organizations/:org/scim/v2/Users/:id', SCIM_ROUTE, scimUsers.deleteUser(ctx));
  app.get('/api/0/organizations/:org/scim/v2/Groups', SCIM_ROUTE, scimGroups.listGroups(ctx));
  app.post('/api/0/organizations/:org/scim/v2/Groups', SCIM_ROUTE, scimGroups.createGroup(ctx));
  app.get('/api/0/organizations/:org/scim/v2/Groups/:id', SCIM_ROUTE, scimGroups.getGroup(ctx));
  app.put('/api/0/organizations/:org/scim/v2/Groups/:id', SCIM_ROUTE, scimGroups.replaceGroup(ctx));
  app.patch('/api/0/organizations/:org/scim/v2/Groups/:id', SCIM_ROUTE, scimGroups.patchGroup(ctx));
  app.delete('/api/0/organizations/:org/scim/v2/Groups/:id', SCIM_ROUTE, scimGroups.deleteGroup(ctx));
  app.get(
    '/api/0/organizations/:org/scim/v2/ServiceProviderConfig',
    SCIM_ROUTE,
    scimDiscovery.serviceProviderConfigRoute(ctx),
  );
  app.get(
    '/api/0/organizations/:org/scim/v2/ResourceTypes',
    SCIM_ROUTE,
    scimDiscovery.resourceTypesRoute(ctx),
  );
  app.get(
    '/api/0/organizations/:org/scim/v2/ResourceTypes/:id',
    SCIM_ROUTE,
    scimDiscovery.resourceTypesRoute(ctx, true),
  );
  app.get('/api/0/organizations/:org/scim/v2/Schemas', SCIM_ROUTE, scimDiscovery.schemasRoute(ctx));
  app.get('/api/0/organizations/:org/scim/v2/Schemas/:id', SCIM_ROUTE, scimDiscovery.schemasRoute(ctx, true));

  // Development outbox: only when it is on (the demo, SP_DEV_OUTBOX) and no SMTP server is configured.
  if (ctx.mailer.kind === 'outbox') app.get('/dev/outbox/', outboxPage(ctx));
}
