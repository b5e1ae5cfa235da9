import { isIP } from 'node:net';

/**
 * Which proxies' `X-Forwarded-For` / `X-Forwarded-Proto` headers to believe (Fastify's `trustProxy`):
 * `false` (none: the default, for a service reached directly), `true` (any: only when nothing but the
 * load balancer can reach the service), a hop count, or the load balancers' addresses and CIDR ranges.
 * Behind a load balancer this is what makes the client's own address the one that per-IP sign-in
 * limits count, rather than the balancer's.
 */
export type TrustProxy = boolean | number | string[];

/**
 * Parses a trust-proxy setting: `false`/`true`, a number of hops, or a comma-separated list of
 * addresses and CIDR ranges. Returns a problem naming the setting, or the value.
 *
 * @example
 * parseTrustProxy('10.0.0.0/8, 192.168.1.5', 'SP_TRUST_PROXY'); // { value: ['10.0.0.0/8', '192.168.1.5'] }
 */
export function parseTrustProxy(
  text: string | undefined,
  name: string,
): { value: TrustProxy; problem: null } | { value: false; problem: string } {
  const raw = (text ?? '').trim();
  if (raw === '' || /^(0|false|no|off)$/i.test(raw)) return { value: false, problem: null };
  if (/^(true|yes|on)$/i.test(raw)) return { value: true, problem: null };
  if (/^\d+$/.test(raw) && Number(raw) <= 10) return { value: Number(raw), problem: null };
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.filter((entry) => {
    const [address, bits, extra] = entry.split('/');
    if (extra !== undefined || !address || isIP(address) === 0) return true;
    if (bits === undefined) return false;
    const max = isIP(address) === 4 ? 32 : 128;
    return !/^\d+$/.test(bits) || Number(bits) > max;
  });
  if (bad.length > 0) {
    return {
      value: false,
      problem: `${name} must be true, false, a number of proxy hops (1-10), or comma-separated IP addresses and CIDR ranges (got "${raw}")`,
    };
  }
  return { value: entries, problem: null };
}

/** Parses a listen address setting: an IPv4 or IPv6 address (default 127.0.0.1). */
export function parseListenHost(
  text: string | undefined,
  name: string,
): { value: string; problem: string | null } {
  const raw = (text ?? '').trim();
  if (raw === '') return { value: '127.0.0.1', problem: null };
  if (isIP(raw) === 0) {
    return {
      value: '127.0.0.1',
      problem: `${name} must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0 (got "${raw}")`,
    };
  }
  return { value: raw, problem: null };
}
