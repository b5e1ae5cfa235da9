// @federa/sp: Federa Workspace. The app factory, and the service layer `scripts/start.ts` uses to
// seed the demo without HTTP.

export { createAccount } from './accounts/accounts.service.ts';
export { buildApp, SESSION_COOKIE } from './app.ts';
export { type Config, ConfigError, readConfig, testConfig } from './config.ts';
export type { Context } from './context.ts';
export { migrations } from './db/migrations.ts';
export type { Schema } from './db/schema.ts';
export { startBackgroundJobs } from './jobs.ts';
export { addMember, createOrganization, inviteMember } from './organizations/organizations.service.ts';
