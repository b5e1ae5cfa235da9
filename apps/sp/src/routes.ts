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
import * as authSettings from './providers/settings.routes.ts';
import * as login from './sso/login.routes.ts';
import * as logout from './sso/logout.ts';
import { spMetadata } from './sso/sp-metadata.ts';

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
 * cache instead.
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

  // Development outbox: only when it is on (the demo, SP_DEV_OUTBOX) and no SMTP server is configured.
  if (ctx.mailer.kind === 'outbox') app.get('/dev/outbox/', outboxPage(ctx));
}
