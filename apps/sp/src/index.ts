// @federa/sp: Federa Workspace. The app factory, and the service layer `scripts/start.ts` uses to
// seed the demo without HTTP (each takes the database and clock; the provider services also the
// metadata-fetch settings of the config).
export { createAccount } from './accounts/accounts.service.ts';
export { buildApp, SESSION_COOKIE } from './app.ts';
export { type Config, ConfigError, readConfig, testConfig } from './config.ts';
export type { Context } from './context.ts';
export { migrations } from './db/migrations.ts';
export type { Schema } from './db/schema.ts';
export { refreshDueProviders, refreshProviderMetadata } from './idp-metadata/refresh.ts';
export { startBackgroundJobs } from './jobs.ts';
export { findOrganizationBySlug } from './organizations/organizations.repository.ts';
export { addMember, createOrganization, inviteMember } from './organizations/organizations.service.ts';
export {
  findProviderByOrganization,
  type Provider,
  type ProviderKind,
} from './providers/providers.repository.ts';
export {
  activateProvider,
  configureProviderFromMetadataUrl,
  configureProviderFromXml,
  configureProviderManually,
  type ProviderDeps,
  updateProviderOptions,
} from './providers/providers.service.ts';
// SCIM: the demo seed enables it for acme and gives the token to the Directory's provisioning.
export { issueScimToken, scimBaseUrl } from './scim/scim-token.service.ts';
export { spUrls } from './sso/urls.ts';
