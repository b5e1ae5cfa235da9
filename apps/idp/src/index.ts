// @federa/idp: Federa Directory. What other code may use without HTTP: the app factory, the
// configuration, the migrations, and the services (for the demo seed script and the admin API).

export { type ApiToken, listApiTokens } from './api-tokens/api-tokens.repository.ts';
export { createApiToken, revokeApiToken } from './api-tokens/api-tokens.service.ts';
export { type BuildAppOptions, buildApp, SESSION_COOKIE } from './app.ts';
export {
  type Application,
  findApplication,
  findApplicationByAppId,
  listApplications,
} from './applications/applications.repository.ts';
export {
  addGalleryApplication,
  createApplication,
  deleteApplication,
  updateProperties,
} from './applications/applications.service.ts';
export { GALLERY } from './applications/gallery.ts';
export {
  addClaim,
  applySpMetadata,
  removeClaim,
  updateBasicSaml,
  updateClaim,
  updateGroupClaim,
  updateNameId,
  updateRoleClaim,
  updateSigning,
} from './applications/sso-settings.service.ts';
export {
  DEFAULT_ACCESS_ROLE_ID,
  listAppRoles,
  listAssignments,
} from './assignments/assignments.repository.ts';
export { assign, createAppRole, deleteAppRole, unassign } from './assignments/assignments.service.ts';
export { listAudit } from './audit/audit.repository.ts';
export { listCertificates } from './certificates/certificates.repository.ts';
export {
  activateCertificate,
  createCertificate,
  deleteCertificate,
} from './certificates/certificates.service.ts';
export { ConfigError, type IdpConfig, loadConfig } from './config.ts';
export { type Actor, type Deps, SYSTEM_ACTOR } from './context.ts';
export { migrations } from './db/migrations.ts';
export type { Db, IdpDatabase } from './db/schema.ts';
export { FormErrors, type IdpErrorCode } from './errors.ts';
export { addMember, createGroup, deleteGroup, removeMember } from './groups/groups.service.ts';
export { setPasswordResetPolicy } from './password-reset/policy.ts';
export { createAdministrator, createFirstAdministrator } from './portal/setup.service.ts';
export {
  type ProvisioningSettingsInput,
  saveProvisioningSettings,
} from './provisioning/provisioning.service.ts';
export { listSignInLogs } from './sign-in-logs/sign-in-logs.repository.ts';
export { idpAddresses } from './sso/context.ts';
export { applicationMetadata } from './sso/metadata.ts';
export { findTenant, findTenantByKey, type Tenant } from './tenants/tenants.repository.ts';
export { addDomain, createTenant, removeDomain } from './tenants/tenants.service.ts';
export { findUserByUpn, listUsers, type User } from './users/users.repository.ts';
export {
  createUser,
  deleteUser,
  passwordError,
  resetPassword,
  setAccountEnabled,
  updateUser,
} from './users/users.service.ts';
