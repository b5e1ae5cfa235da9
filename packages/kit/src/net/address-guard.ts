import { BlockList } from 'node:net';
import ipaddr from 'ipaddr.js';

// Which addresses a server may connect to for a URL an admin typed (SSRF guard): the Workspace's IdP
// metadata URL, the Directory's SCIM Tenant URL. Such a URL must not reach the cloud's instance-metadata
// service, link-local or other internal addresses of the network the service runs in.
//
// An address has many spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1, ::ffff:7f00:1 are all
// 127.0.0.1), so every address is first brought to one canonical text: the guard judges that text and
// the fetcher connects to that same text, so what is judged is what is reached.

export interface AddressPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
}

/** The settings that allow loopback and private addresses, named in the refusal so an admin can act. */
export interface AddressSettingNames {
  loopback: string;
  private: string;
}

export interface CanonicalAddress {
  address: string;
  family: 4 | 6;
}

function list(entries: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const blocks = new BlockList();
  for (const [network, prefix, type] of entries) blocks.addSubnet(network, prefix, type);
  return blocks;
}

/** Never: unspecified, link-local (169.254.169.254 is the metadata service of AWS, GCP and Azure), cloud metadata, multicast, reserved. */
const NEVER = list([
  ['0.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments (incl. Oracle Cloud's 192.0.0.192)
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::', 32, 'ipv6'], // AWS metadata over IPv6 (fd00:ec2::254)
  ['ff00::', 8, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64: could reach any IPv4 address
  ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64 (RFC 8215): likewise
  ['2002::', 16, 'ipv6'], // 6to4: likewise
]);
const LOOPBACK = list([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const PRIVATE = list([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['198.18.0.0', 15, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);

/** The IPv4 address in the low 32 bits of an IPv6 address. */
function lowIpv4(parts: readonly number[]): string {
  const high = parts[6]!;
  const low = parts[7]!;
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * One canonical text for every spelling of an IP address, or null when `text` is not one. IPv4 in
 * any form inet_aton(3) takes (decimal, hex, octal, shortened) becomes dotted decimal; an IPv6 address
 * that names an IPv4 address becomes that IPv4 address: IPv4-mapped `::ffff:a.b.c.d` (RFC 4291
 * §2.5.5.2, the kernel connects it over IPv4), IPv4-translated `::ffff:0:a.b.c.d` (RFC 6145) and the
 * deprecated IPv4-compatible `::a.b.c.d` (RFC 4291 §2.5.5.1); other IPv6 addresses are compressed
 * (RFC 5952).
 *
 * @example
 * canonicalAddress('::ffff:7f00:1'); // { address: '127.0.0.1', family: 4 }
 * canonicalAddress('2130706433'); // { address: '127.0.0.1', family: 4 }
 */
export function canonicalAddress(text: string): CanonicalAddress | null {
  if (!ipaddr.isValid(text)) return null;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv4') return { address: parsed.toString(), family: 4 };
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.zoneId !== undefined) return null; // a URL cannot carry a zone, nor DNS answer with one
  const { parts } = ipv6;
  const firstSixZero = parts.slice(0, 6).every((part) => part === 0);
  const compatible = firstSixZero && !(parts[6] === 0 && parts[7]! <= 1); // not :: nor ::1
  if (ipv6.isIPv4MappedAddress() || ipv6.range() === 'rfc6145' || compatible) {
    return { address: lowIpv4(parts), family: 4 };
  }
  return { address: ipv6.toRFC5952String(), family: 6 };
}

/** Why the server must not connect to `address` (in any spelling), or null when it may. */
export function addressProblem(
  address: string,
  policy: AddressPolicy,
  settings: AddressSettingNames = {
    loopback: 'the loopback setting',
    private: 'the private-network setting',
  },
): string | null {
  const canonical = canonicalAddress(address);
  if (!canonical) return `${address} is not an IP address`;
  const ip = canonical.address;
  const type = canonical.family === 4 ? 'ipv4' : 'ipv6';
  const named = ip === address ? ip : `${address} (that is ${ip})`;
  if (NEVER.check(ip, type)) return `${named} is a link-local, cloud-metadata or reserved address`;
  if (LOOPBACK.check(ip, type) && !policy.allowLoopback) {
    return `${named} is a loopback address (allowed only when ${settings.loopback} is on)`;
  }
  if (PRIVATE.check(ip, type) && !policy.allowPrivate) {
    return `${named} is a private network address (allowed only when ${settings.private} is on)`;
  }
  return null;
}
