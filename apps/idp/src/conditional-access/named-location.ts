import ipaddr from 'ipaddr.js';
import { FieldErrors } from '../errors.ts';

// Graph's ipNamedLocation: a name, IPv4/IPv6 CIDR ranges, and whether the location is trusted
// ("All trusted locations" in a policy's location condition).

export const IP_NAMED_LOCATION = '#microsoft.graph.ipNamedLocation';
const IPV4_RANGE = '#microsoft.graph.iPv4CidrRange';
const IPV6_RANGE = '#microsoft.graph.iPv6CidrRange';
/** Entra's bounds: an IPv4 range is /8 or narrower, an IPv6 one /8 or narrower; 2,000 ranges at most. */
const MIN_PREFIX = 8;
const MAX_RANGES = 2000;

export interface IpRange {
  '@odata.type': typeof IPV4_RANGE | typeof IPV6_RANGE;
  cidrAddress: string;
}

export interface NamedLocation {
  '@odata.type': typeof IP_NAMED_LOCATION;
  id: string;
  displayName: string;
  isTrusted: boolean;
  ipRanges: IpRange[];
  createdDateTime: string;
  modifiedDateTime: string | null;
}

/** What an admin writes: the fields of a named location that are not made by the Directory. */
export interface NamedLocationInput {
  displayName: string;
  isTrusted: boolean;
  /** Normalized CIDR strings. */
  cidrs: string[];
}

/**
 * Validates a named location as Graph's JSON (or the portal's form turned into it): a display name,
 * `ipRanges[].cidrAddress` that parse as IPv4 or IPv6 CIDR ranges (ipaddr.js), `isTrusted`. Errors
 * name the field, e.g. `ipRanges[1].cidrAddress`. With `current` (PATCH) what is not sent is kept.
 */
export function parseNamedLocation(body: unknown, current: NamedLocationInput | null): NamedLocationInput {
  const input = (body ?? {}) as Record<string, unknown>;
  const errors = new FieldErrors();
  const type = input['@odata.type'];
  if (type !== undefined && type !== IP_NAMED_LOCATION) {
    errors.add(
      '@odata.type',
      `Federa Directory has IP ranges named locations only (${IP_NAMED_LOCATION}); countries are not supported.`,
    );
  }
  let displayName = current?.displayName ?? '';
  if ('displayName' in input || !current) {
    displayName = typeof input.displayName === 'string' ? input.displayName.trim() : '';
    if (displayName === '') errors.add('displayName', 'Enter a name for the location.');
    else if (displayName.length > 256) errors.add('displayName', 'The name can be at most 256 characters.');
  }
  let isTrusted = current?.isTrusted ?? false;
  if ('isTrusted' in input) {
    if (typeof input.isTrusted !== 'boolean') errors.add('isTrusted', 'isTrusted is true or false.');
    else isTrusted = input.isTrusted;
  }
  let cidrs = current?.cidrs ?? [];
  if ('ipRanges' in input || !current) {
    cidrs = [];
    const ranges = input.ipRanges;
    if (!Array.isArray(ranges) || ranges.length === 0) {
      errors.add('ipRanges', 'Add at least one IP range, e.g. 203.0.113.0/24 or 2001:db8::/48.');
    } else if (ranges.length > MAX_RANGES) {
      errors.add('ipRanges', `A location has at most ${MAX_RANGES} IP ranges.`);
    } else {
      ranges.forEach((range, i) => {
        const text = (range as { cidrAddress?: unknown } | null)?.cidrAddress;
        const checked = checkCidr(typeof text === 'string' ? text : '');
        if ('error' in checked) errors.add(`ipRanges[${i}].cidrAddress`, checked.error);
        else if (cidrs.includes(checked.cidr))
          errors.add(`ipRanges[${i}].cidrAddress`, `${checked.cidr} is listed twice.`);
        else cidrs.push(checked.cidr);
      });
    }
  }
  errors.throwIfAny();
  return { displayName, isTrusted, cidrs };
}

/** A CIDR range in its normal form (`203.0.113.0/24`), or what is wrong with it. */
export function checkCidr(text: string): { cidr: string } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed.includes('/')) {
    return {
      error: `${trimmed || 'The range'} is not a CIDR range: write an address and a prefix length, e.g. 203.0.113.0/24 or 198.51.100.7/32.`,
    };
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(trimmed);
  } catch {
    return {
      error: `${trimmed} is not a valid IPv4 or IPv6 CIDR range (e.g. 203.0.113.0/24, 2001:db8::/48).`,
    };
  }
  const [address, bits] = parsed;
  if (bits < MIN_PREFIX) {
    return { error: `${trimmed} is too wide: the prefix length must be /${MIN_PREFIX} or more.` };
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { error: `${trimmed} is an IPv4-mapped IPv6 range: write it as an IPv4 range.` };
  }
  return { cidr: `${address.toString()}/${bits}` };
}

export function rangeOf(cidr: string): IpRange {
  return { '@odata.type': cidr.includes(':') ? IPV6_RANGE : IPV4_RANGE, cidrAddress: cidr };
}

/** The client address in ipaddr.js form; IPv4-mapped IPv6 (`::ffff:203.0.113.5`) counts as IPv4. */
export function parseClientIp(ip: string | null): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  return ipaddr.process(ip);
}

/** Whether `ip` is inside one of the location's ranges. */
export function locationContains(
  location: Pick<NamedLocation, 'ipRanges'>,
  ip: ipaddr.IPv4 | ipaddr.IPv6,
): boolean {
  return location.ipRanges.some((range) => {
    const [network, bits] = ipaddr.parseCIDR(range.cidrAddress);
    return network.kind() === ip.kind() && ip.match(network, bits);
  });
}
