import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type OperationSettings,
  parseListenHost,
  parseTrustProxy,
  readOperationSettings,
  type TrustProxy,
} from '@federa/kit';

/** Everything Federa Directory reads from its environment, validated once at start. */
export interface IdpConfig extends OperationSettings {
  /** Public base URL, without a trailing slash: the IdP entity ID is `{baseUrl}/{tid}/`. */
  baseUrl: string;
  /** Interface and port to listen on (IDP_HOST, default 127.0.0.1; 0.0.0.0 behind a load balancer elsewhere). */
  host: string;
  port: number;
  /** A SQLite file path (default `./data/idp.sqlite`) or a `postgres://` URL. */
  databaseUrl: string;
  /** 32 bytes: encrypts signing keys at rest (AES-256-GCM). */
  secretKey: Buffer;
  /** How long the single sign-on session lasts without use. */
  sessionMaxAgeSeconds: number;
  /** Sign-in form posts allowed per client IP per minute (Entra-like smart lockout is per account on top). */
  signInRateLimitPerMinute: number;
  /** Proxies whose X-Forwarded-For to believe (IDP_TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  /** Automatic provisioning (provisioning/): SCIM to loopback / private Tenant URLs (IDP_ALLOW_LOOPBACK_SCIM, IDP_ALLOW_PRIVATE_SCIM; default off). */
  allowLoopbackScim?: boolean;
  allowPrivateScim?: boolean;
  /** Seconds between incremental provisioning cycles (IDP_PROVISIONING_INTERVAL_SECONDS; Entra's 40 minutes). */
  provisioningIntervalSeconds?: number;
}

export interface LoadedConfig {
  config: IdpConfig;
  /** Things worth telling the operator once at start (e.g. a secret key was generated). */
  notices: string[];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Federa Directory cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const DEFAULT_SECRET_KEY_FILE = './data/idp-secret.key';

/**
 * Reads and validates the configuration; throws a ConfigError naming every bad setting. When
 * `IDP_SECRET_KEY` is unset, the key is read from (or, on first start, generated into)
 * `./data/idp-secret.key`, and a notice says so.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const problems: string[] = [];
  const notices: string[] = [];

  const port = integer(env.IDP_PORT ?? '4000', 'IDP_PORT', 1, 65535, problems);
  const baseUrlText = env.IDP_BASE_URL ?? `http://127.0.0.1:${port ?? 4000}`;
  let baseUrl = '';
  try {
    const url = new URL(baseUrlText);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    if (url.search || url.hash) throw new Error('query');
    baseUrl = url.href.replace(/\/+$/, '');
  } catch {
    problems.push(
      `IDP_BASE_URL must be an absolute http(s) URL without query or fragment, e.g. http://127.0.0.1:4000 (got "${baseUrlText}")`,
    );
  }
  const operations = readOperationSettings(env, problems);
  const sessionHours = integer(env.IDP_SESSION_HOURS ?? '12', 'IDP_SESSION_HOURS', 1, 24 * 90, problems);
  const rateLimit = integer(env.IDP_SIGNIN_RATE_LIMIT ?? '30', 'IDP_SIGNIN_RATE_LIMIT', 1, 100_000, problems);
  const databaseUrl = env.DATABASE_URL ?? './data/idp.sqlite';
  const listen = parseListenHost(env.IDP_HOST, 'IDP_HOST');
  if (listen.problem) problems.push(listen.problem);
  const provisioningInterval = integer(
    env.IDP_PROVISIONING_INTERVAL_SECONDS ?? '2400',
    'IDP_PROVISIONING_INTERVAL_SECONDS',
    5,
    7 * 24 * 3600,
    problems,
  );
  const trustProxy = parseTrustProxy(env.IDP_TRUST_PROXY, 'IDP_TRUST_PROXY');
  if (trustProxy.problem) problems.push(trustProxy.problem);

  let secretKey: Buffer | null = null;
  if (env.IDP_SECRET_KEY !== undefined) {
    secretKey = parseSecretKey(env.IDP_SECRET_KEY);
    if (!secretKey) {
      problems.push(
        'IDP_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (make one with: openssl rand -hex 32)',
      );
    }
  } else {
    const file = resolve(cwd, DEFAULT_SECRET_KEY_FILE);
    if (existsSync(file)) {
      secretKey = parseSecretKey(readFileSync(file, 'utf8').trim());
      if (!secretKey) problems.push(`${file} does not hold a 32-byte key (64 hex characters)`);
    } else if (problems.length === 0) {
      secretKey = generateKeyFile(file);
      notices.push(
        `IDP_SECRET_KEY is not set: generated a key into ${file} (it encrypts the signing keys; back it up with the database, or set IDP_SECRET_KEY)`,
      );
    }
  }

  if (problems.length > 0 || !secretKey || port === null || sessionHours === null || rateLimit === null) {
    throw new ConfigError(problems);
  }
  const host = new URL(baseUrl).hostname;
  if (new URL(baseUrl).protocol === 'http:' && !isLoopback(host)) {
    notices.push(
      `IDP_BASE_URL is plain http on ${host}: browsers keep the SameSite=None; Secure session cookie only over https (or on localhost / 127.0.0.1)`,
    );
  }
  return {
    config: {
      baseUrl,
      host: listen.value,
      port,
      databaseUrl,
      ...operations,
      secretKey,
      sessionMaxAgeSeconds: sessionHours * 3600,
      signInRateLimitPerMinute: rateLimit,
      trustProxy: trustProxy.value,
      allowLoopbackScim: /^(1|true|yes|on)$/i.test(env.IDP_ALLOW_LOOPBACK_SCIM ?? ''),
      allowPrivateScim: /^(1|true|yes|on)$/i.test(env.IDP_ALLOW_PRIVATE_SCIM ?? ''),
      provisioningIntervalSeconds: provisioningInterval ?? 2400,
    },
    notices,
  };
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function integer(text: string, name: string, min: number, max: number, problems: string[]): number | null {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
    return null;
  }
  return Number(text);
}

export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

function generateKeyFile(file: string): Buffer {
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  mkdirSync(dirname(file), { recursive: true });
  // wx: never overwrite a key another instance has just written.
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    const existing = parseSecretKey(readFileSync(file, 'utf8'));
    if (!existing) throw new ConfigError([`${file} does not hold a 32-byte key`]);
    return existing;
  }
}
