export {
  type ConfigCache,
  type ConfigCacheOptions,
  configChangesMigration,
  createConfigCache,
} from './db/config-cache.ts';
export {
  connectDatabase,
  type Database,
  type Dialect,
  type ListenHandlers,
  type PoolStats,
} from './db/connect.ts';
export { migrateToLatest, migrationsCurrent } from './db/migrate.ts';
export { card, copyField, facts, field, hiddenCsrf, table } from './html/components.ts';
export {
  CONFIRM_FIELD,
  type ConfirmationOptions,
  confirmation,
  confirmLink,
  isConfirmed,
} from './html/confirmation.ts';
export { type Brand, type PageOptions, renderPage } from './html/layout.ts';
export { escapeHtml, type HtmlValue, html, raw, SafeHtml } from './html/template.ts';
export { allowFormActionTo } from './http/csp.ts';
export { checkCsrf, csrfToken, sessionExpired } from './http/csrf.ts';
export { AppError, isDatabaseUnavailable } from './http/errors.ts';
export { type Metrics, registerMetrics } from './http/metrics.ts';
export { drainOnSignals, observeConfigCache, observeDatabase } from './http/operations.ts';
export { parseListenHost, parseTrustProxy, type TrustProxy } from './http/proxy-settings.ts';
export {
  databaseRateLimitStore,
  deleteExpiredRateLimits,
  rateLimitsMigration,
} from './http/rate-limit-store.ts';
export { isBearerRoute, type RouteAuth, routeAuthTable } from './http/route-auth.ts';
export { createServer, type ServerOptions, sendError, wantsJson } from './http/server.ts';
export {
  deleteExpiredSessions,
  getSession,
  registerSessions,
  Session,
  type SessionOptions,
  sessionsMigration,
} from './http/session.ts';
export { createLogger, type Logger } from './log.ts';
export {
  type AddressPolicy,
  type AddressSettingNames,
  addressProblem,
  type CanonicalAddress,
  canonicalAddress,
} from './net/address-guard.ts';
export { LOG_LEVELS, type OperationSettings, readOperationSettings } from './operation-settings.ts';
export { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
export { SERVICE_ENVIRONMENT, SERVICE_NODE_OPTIONS } from './runtime.ts';
export { open, seal } from './secret-box.ts';
