// Federa Workspace's settings, read from the environment once at start and validated: a bad value
// stops the start with a message naming the setting, never a half-configured server.
import { isIP } from 'node:net';
import {
  type OperationSettings,
  parseListenHost,
  parseTrustProxy,
  readOperationSettings,
  type TrustProxy,
} from '@federa/kit';
import { parseSecretKey } from './request-signing/secret-key.ts';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
}

export interface Config extends OperationSettings {
  /** Public base URL, no trailing slash: every SAML URL (entity ID, ACS) is built on it. */
  baseUrl: string;
  /** Interface to listen on (SP_HOST, default 127.0.0.1; 0.0.0.0 behind a load balancer elsewhere). */
  host: string;
  port: number;
  /** Proxies whose X-Forwarded-For to believe (SP_TRUST_PROXY); default none. */
  trustProxy: TrustProxy;
  databaseUrl: string;
  /**
   * Let the metadata fetcher reach 127.0.0.0/8 and ::1. Off by default: an organization admin types
   * the URL, and on loopback it would probe the Workspace's own machine; the local demo and the tests,
   * whose Directory runs there, turn it on.
   */
  allowLoopbackMetadata: boolean;
  /** Let the metadata fetcher reach private ranges (10/8, 172.16/12, 192.168/16, fc00::/7). */
  allowPrivateMetadata: boolean;
  /** Metadata fetch limits; tests shorten the timeout. */
  metadataFetch: { timeoutMs: number; maxBytes: number; maxRedirects: number };
  /** How often a metadata URL is re-fetched. */
  metadataRefreshHours: number;
  /** Sign-in attempts per IP per minute (sign in, sign up, link proof). */
  signInRateLimitPerMinute: number;
  smtp: SmtpConfig | null;
  /**
   * Without SMTP, keep mail in the development outbox at /dev/outbox/ (SP_DEV_OUTBOX; `npm start`'s
   * demo turns it on). Off: mail without SMTP fails with a clear error.
   */
  devOutbox: boolean;
  /**
   * DNS servers (`host` or `host:port`) that domain verification asks for TXT records
   * (SP_DNS_SERVERS, comma-separated); empty: the system's resolver.
   */
  dnsServers: string[];
  /**
   * Seals each organization's SP signing key (SP_SECRET_KEY: 64 hex characters). Null when unset:
   * main.ts then keeps one in ./data/sp-secret.key.
   */
  secretKey: Buffer | null;
  /** Whether cookies carry `Secure`. True for https, and for http on localhost/127.0.0.1 (secure contexts). */
  secureCookies: boolean;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function flag(value: string | undefined, name: string, fallback: boolean, problems: string[]): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  problems.push(`${name} must be true or false (got "${value}")`);
  return fallback;
}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  range: [number, number],
  problems: string[],
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < range[0] || n > range[1]) {
    problems.push(`${name} must be a whole number from ${range[0]} to ${range[1]} (got "${value}")`);
    return fallback;
  }
  return n;
}

function dnsServers(value: string | undefined, problems: string[]): string[] {
  const servers = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of servers) {
    const host = server.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
    if (isIP(host) === 0)
      problems.push(`SP_DNS_SERVERS must list IP addresses, optionally with :port (got "${server}")`);
  }
  return servers;
}

/**
 * Reads the configuration from `env`. Throws ConfigError listing every bad setting.
 *
 * @example
 * const config = readConfig(process.env);
 */
export function readConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const port = integer(env.SP_PORT, 'SP_PORT', 5000, [1, 65535], problems);
  const rawBase = env.SP_BASE_URL ?? `http://localhost:${port}`;
  let baseUrl = rawBase.replace(/\/+$/, '');
  let secureCookies = true;
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push(`SP_BASE_URL must be an http(s) URL (got "${rawBase}")`);
    } else if (url.pathname !== '/' || url.search || url.hash) {
      problems.push(`SP_BASE_URL must be an origin without a path, query or fragment (got "${rawBase}")`);
    } else if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      // The SSO binding cookie must be `SameSite=None; Secure` (the IdP's POST is cross-site), and
      // browsers keep Secure cookies over plain http only on localhost.
      problems.push(
        `SP_BASE_URL must use https unless its host is localhost or 127.0.0.1 (got "${rawBase}"): SSO needs a Secure cookie`,
      );
    }
    baseUrl = url.origin;
    secureCookies = url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    problems.push(`SP_BASE_URL is not a URL (got "${rawBase}")`);
  }

  let smtp: SmtpConfig | null = null;
  if (env.SMTP_HOST) {
    const from = env.SMTP_FROM ?? '';
    if (!/^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(from)) {
      problems.push('SMTP_FROM must be an email address when SMTP_HOST is set');
    }
    smtp = {
      host: env.SMTP_HOST,
      port: integer(env.SMTP_PORT, 'SMTP_PORT', 587, [1, 65535], problems),
      secure: flag(env.SMTP_SECURE, 'SMTP_SECURE', false, problems),
      user: env.SMTP_USER || null,
      password: env.SMTP_PASSWORD || null,
      from,
    };
  }

  let secretKey: Buffer | null = null;
  if (env.SP_SECRET_KEY) {
    secretKey = parseSecretKey(env.SP_SECRET_KEY);
    if (!secretKey)
      problems.push(
        'SP_SECRET_KEY must be 32 bytes as 64 hex characters (make one with: openssl rand -hex 32)',
      );
  }

  const operations = readOperationSettings(env, problems);
  const listen = parseListenHost(env.SP_HOST, 'SP_HOST');
  if (listen.problem) problems.push(listen.problem);
  const trustProxy = parseTrustProxy(env.SP_TRUST_PROXY, 'SP_TRUST_PROXY');
  if (trustProxy.problem) problems.push(trustProxy.problem);
  const config: Config = {
    baseUrl,
    host: listen.value,
    port,
    trustProxy: trustProxy.value,
    databaseUrl: env.DATABASE_URL || './data/sp.sqlite',
    ...operations,
    allowLoopbackMetadata: flag(
      env.SP_ALLOW_LOOPBACK_METADATA,
      'SP_ALLOW_LOOPBACK_METADATA',
      false,
      problems,
    ),
    allowPrivateMetadata: flag(env.SP_ALLOW_PRIVATE_METADATA, 'SP_ALLOW_PRIVATE_METADATA', false, problems),
    metadataFetch: {
      timeoutMs: integer(env.SP_METADATA_TIMEOUT_MS, 'SP_METADATA_TIMEOUT_MS', 5000, [100, 60000], problems),
      maxBytes: 1024 * 1024,
      maxRedirects: 3,
    },
    metadataRefreshHours: integer(
      env.SP_METADATA_REFRESH_HOURS,
      'SP_METADATA_REFRESH_HOURS',
      24,
      [1, 24 * 30],
      problems,
    ),
    signInRateLimitPerMinute: integer(
      env.SP_SIGN_IN_RATE_LIMIT,
      'SP_SIGN_IN_RATE_LIMIT',
      30,
      [1, 100000],
      problems,
    ),
    smtp,
    devOutbox: flag(env.SP_DEV_OUTBOX, 'SP_DEV_OUTBOX', false, problems),
    dnsServers: dnsServers(env.SP_DNS_SERVERS, problems),
    secretKey,
    secureCookies,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The configuration tests use: the defaults with the development outbox on, and overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // A fixed key: app instances sharing a test database must open each other's sealed keys.
  return { ...readConfig({}), devOutbox: true, secretKey: Buffer.alloc(32, 7), ...overrides };
}
