import { Resolver } from 'node:dns/promises';

// The DNS TXT check of domain verification. The servers are configurable (SP_DNS_SERVERS) so that a
// deployment can ask a resolver it trusts and the tests can run their own on loopback.

/** The record an organization publishes: its name under the domain, and the value it must carry. */
export function verificationRecord(domain: string, token: string): { name: string; value: string } {
  return { name: `_federa-workspace.${domain}`, value: `federa-workspace-verification=${token}` };
}

export type TxtLookup = (name: string) => Promise<string[]>;

const TIMEOUT_MS = 3000;

/** TXT records of `name`, each one's strings joined (RFC 7208 §3.3 splits long values into strings). */
export function txtLookup(servers: readonly string[]): TxtLookup {
  return async (name) => {
    const resolver = new Resolver({ timeout: TIMEOUT_MS, tries: 2 });
    if (servers.length > 0) resolver.setServers([...servers]);
    try {
      return (await resolver.resolveTxt(name)).map((strings) => strings.join(''));
    } catch (error) {
      const code = (error as { code?: string }).code;
      // No such name, or no TXT at it: nothing published (yet).
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw new DnsLookupError(code ?? 'EUNKNOWN');
    }
  };
}

export class DnsLookupError extends Error {
  readonly dnsCode: string;
  constructor(dnsCode: string) {
    super(`DNS lookup failed (${dnsCode})`);
    this.name = 'DnsLookupError';
    this.dnsCode = dnsCode;
  }
}
