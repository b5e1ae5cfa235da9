import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import { recordAudit } from '../audit/audit.repository.ts';
import { nowIso } from '../context.ts';
import { type Db, isUniqueViolation } from '../db/db.ts';
import { notFound } from '../errors.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import { ValidationError } from '../validation.ts';
import { DnsLookupError, type TxtLookup, verificationRecord } from './dns-txt.ts';
import { normalizeDomain } from './domain-name.ts';
import {
  deleteDomain,
  findDomain,
  insertDomain,
  listDomains,
  type OrganizationDomain,
  recordDomainCheck,
  verifiedHolderOf,
} from './domains.repository.ts';

// Verified domains (Sentry and Slack: "domain verification", "claimed domains"). An organization that
// proves it runs a domain, by a DNS TXT record only the domain's owner can publish, may speak for that
// domain's addresses: its IdP's sign-ins can create and auto-link Workspace-wide accounts there. Without
// the proof an address an IdP asserts reserves and links nothing outside the organization.

const MAX_DOMAINS = 50;

export async function addDomain(
  db: Db,
  clock: Clock,
  input: { organization: Organization; domain: string; actorUserId: string },
): Promise<OrganizationDomain> {
  const domain = normalizeDomain(input.domain);
  if (!domain) throw new ValidationError({ domain: 'Enter a domain name, like contoso.com.' });
  if ((await listDomains(db, input.organization.id)).length >= MAX_DOMAINS) {
    throw new ValidationError({ domain: `An organization can claim at most ${MAX_DOMAINS} domains.` });
  }
  const row = {
    id: randomUUID(),
    organizationId: input.organization.id,
    domain,
    token: randomBytes(18).toString('base64url'),
    createdAt: nowIso(clock),
  };
  try {
    await db.transaction().execute(async (trx) => {
      await insertDomain(trx, row);
      await recordAudit(trx, clock, {
        organizationId: input.organization.id,
        actorUserId: input.actorUserId,
        action: 'domain.added',
        detail: { domain },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError({ domain: `${domain} is already listed.` });
    throw error;
  }
  return { ...row, verifiedAt: null, checkedAt: null, checkError: null };
}

export type VerifyOutcome =
  | { kind: 'verified' }
  | { kind: 'not-found'; name: string; value: string }
  | { kind: 'taken' }
  | { kind: 'dns-failed'; dnsCode: string };

/** Looks the TXT record up now; records what it found. */
export async function verifyDomain(
  db: Db,
  clock: Clock,
  lookup: TxtLookup,
  input: { organization: Organization; domainId: string; actorUserId: string },
): Promise<VerifyOutcome> {
  const found = await findDomain(db, input.organization.id, input.domainId);
  if (!found) throw notFound('domain');
  if (found.verifiedAt) return { kind: 'verified' };
  const record = verificationRecord(found.domain, found.token);
  const at = nowIso(clock);
  let values: string[];
  try {
    values = await lookup(record.name);
  } catch (error) {
    if (!(error instanceof DnsLookupError)) throw error;
    await recordDomainCheck(db, found.id, {
      at,
      verified: false,
      error: `DNS lookup failed (${error.dnsCode})`,
    });
    return { kind: 'dns-failed', dnsCode: error.dnsCode };
  }
  if (!values.includes(record.value)) {
    await recordDomainCheck(db, found.id, { at, verified: false, error: 'TXT record not found' });
    return { kind: 'not-found', ...record };
  }
  const holder = await verifiedHolderOf(db, found.domain);
  if (holder && holder !== input.organization.id) {
    await recordDomainCheck(db, found.id, {
      at,
      verified: false,
      error: 'Verified by another organization',
    });
    return { kind: 'taken' };
  }
  try {
    await db.transaction().execute(async (trx) => {
      await recordDomainCheck(trx, found.id, { at, verified: true, error: null });
      await recordAudit(trx, clock, {
        organizationId: input.organization.id,
        actorUserId: input.actorUserId,
        action: 'domain.verified',
        detail: { domain: found.domain },
      });
    });
  } catch (error) {
    // Another organization verified it at the same moment: the unique index keeps one.
    if (isUniqueViolation(error)) return { kind: 'taken' };
    throw error;
  }
  return { kind: 'verified' };
}

export async function removeDomain(
  db: Db,
  clock: Clock,
  input: { organization: Organization; domainId: string; actorUserId: string },
): Promise<OrganizationDomain> {
  return db.transaction().execute(async (trx) => {
    const found = await findDomain(trx, input.organization.id, input.domainId);
    if (!found || !(await deleteDomain(trx, input.organization.id, input.domainId))) throw notFound('domain');
    await recordAudit(trx, clock, {
      organizationId: input.organization.id,
      actorUserId: input.actorUserId,
      action: 'domain.removed',
      detail: { domain: found.domain, wasVerified: found.verifiedAt !== null },
    });
    return found;
  });
}

/** Whether `organizationId` verified the domain of `domain` (ASCII form). */
export async function organizationVerified(
  db: Db,
  organizationId: string,
  domain: string | null,
): Promise<boolean> {
  if (!domain) return false;
  return (await verifiedHolderOf(db, domain)) === organizationId;
}
