import type { ConfigCache } from '@federa/kit';
import { findOrganizationBySlug, type Organization } from '../organizations/organizations.repository.ts';
import { findProviderByOrganization, type Provider } from '../providers/providers.repository.ts';
import type { Schema } from './schema.ts';

// What every sign-in reads and admins rarely change, kept in memory: an organization by its slug, and
// its provider (IdP endpoints, signing certificates, attribute mapping, Require SSO). A change on any
// instance empties the cache when it commits (migration 0004's triggers), this instance's own writes
// at once. Users, memberships, identities and sessions are never kept: a removed member or an ended
// SSO session counts on the next request.

/**
 * The tables the cached values come from: each has migration 0004's trigger. A table added here needs
 * its trigger: a new migration calling `configChangesMigration(CONFIG_TABLES)` again (it is idempotent).
 */
export const CONFIG_TABLES: readonly string[] = ['organizations', 'auth_providers'];

/** The organization with this slug (frozen: shared by every request). */
export function organizationBySlug(cache: ConfigCache<Schema>, slug: string): Promise<Organization | null> {
  return cache.get(`organization:${slug}`, () => findOrganizationBySlug(cache.db, slug));
}

/** The organization's provider (frozen, its certificates and mapping too: shared by every request). */
export function providerOfOrganization(
  cache: ConfigCache<Schema>,
  organizationId: string,
): Promise<Provider | null> {
  return cache.get(`provider:${organizationId}`, () => findProviderByOrganization(cache.db, organizationId));
}
