/** The levels `LOG_LEVEL` takes (pino's). */
export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** How a service runs, the same for both: its log level, its database pool and its shutdown. */
export interface OperationSettings {
  /** `LOG_LEVEL`, default `info`. */
  logLevel: string;
  /** `DATABASE_POOL_SIZE`: PostgreSQL connections per instance at most, default 10. */
  databasePoolSize: number;
  /** `SHUTDOWN_TIMEOUT_SECONDS`: how long SIGTERM waits for requests in flight, default 10. */
  shutdownTimeoutSeconds: number;
}

function wholeNumber(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  [min, max]: [number, number],
  problems: string[],
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
    return fallback;
  }
  return Number(text);
}

/**
 * Reads the settings every service shares from `env`, adding a problem that names the setting for
 * each bad value (the service's own config reader reports them all together).
 *
 * @example
 * const problems: string[] = [];
 * const operations = readOperationSettings(process.env, problems);
 */
export function readOperationSettings(
  env: Record<string, string | undefined>,
  problems: string[],
): OperationSettings {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  return {
    logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : 'info',
    databasePoolSize: wholeNumber(env, 'DATABASE_POOL_SIZE', 10, [1, 200], problems),
    shutdownTimeoutSeconds: wholeNumber(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, [1, 600], problems),
  };
}
