import type { Application } from '../applications/applications.repository.ts';
import type { SigningCertificate } from '../certificates/certificates.repository.ts';
import type { Deps } from '../context.ts';
import { idpAddresses } from '../sso/context.ts';

// The API's view of domain objects where it differs from the repository's (grouped, with URLs).

export function samlView(app: Application) {
  return {
    identifiers: app.identifiers,
    replyUrls: app.replyUrls,
    signOnUrl: app.signOnUrl,
    relayState: app.relayState,
    logoutUrl: app.logoutUrl,
    logoutResponseUrl: app.logoutResponseUrl,
    nameId: { source: app.nameIdSource, format: app.nameIdFormat },
    claims: app.claims,
    groupClaim: { mode: app.groupClaim, source: app.groupClaimSource },
    roleClaim: app.roleClaim,
    signingOption: app.signingOption,
    signingAlgorithm: app.signingAlgorithm,
    allowSha1Requests: app.allowSha1Requests,
    notificationEmails: app.notificationEmails,
    spSigningCertificateCount: app.spSigningCertificates.length,
  };
}

export function federationView(deps: Deps, tenantId: string, app: Application) {
  const addresses = idpAddresses(deps.config.baseUrl, tenantId);
  return {
    federationMetadataUrl: addresses.metadataUrl(app.appId),
    entityId: addresses.entityId,
    loginUrl: addresses.ssoUrl,
    userAccessUrl: addresses.userAccessUrl(app.appId),
    appId: app.appId,
    tenantId,
  };
}

export function applicationView(deps: Deps, tenantId: string, app: Application) {
  const urls = federationView(deps, tenantId, app);
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    galleryTemplate: app.galleryTemplate,
    enabledForSignIn: app.enabledForSignIn,
    assignmentRequired: app.assignmentRequired,
    visibleToUsers: app.visibleToUsers,
    saml: samlView(app),
    federationMetadataUrl: urls.federationMetadataUrl,
    userAccessUrl: urls.userAccessUrl,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

export function certificateView(c: SigningCertificate) {
  return {
    id: c.id,
    thumbprint: c.thumbprint,
    notBefore: c.notBefore,
    expiresAt: c.expiresAt,
    isActive: c.isActive,
    createdAt: c.createdAt,
  };
}
