import { BlockList, isIP } from 'node:net';

// Which addresses the server may fetch a metadata URL from (SSRF guard). An organization admin types
// the URL, so it must not reach the cloud's instance-metadata service, link-local or other internal
// addresses of the network the Workspace runs in.

export interface AddressPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
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

/** `::ffff:169.254.169.254` is 169.254.169.254: judge the IPv4 address it maps. */
function unmap(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why the server must not connect to `address`, or null when it may. */
export function addressProblem(address: string, policy: AddressPolicy): string | null {
  if (isIP(address) === 0) return `${address} is not an IP address`;
  const { address: ip, type } = unmap(address);
  if (NEVER.check(ip, type)) return `${address} is a link-local, cloud-metadata or reserved address`;
  if (LOOPBACK.check(ip, type) && !policy.allowLoopback) {
    return `${address} is a loopback address (allowed only when SP_ALLOW_LOOPBACK_METADATA is on)`;
  }
  if (PRIVATE.check(ip, type) && !policy.allowPrivate) {
    return `${address} is a private network address (allowed only when SP_ALLOW_PRIVATE_METADATA is on)`;
  }
  return null;
}
