// Seeds Federa Workspace with the finished tutorial's Sentry side: organization `acme` and its owner,
// with Active Directory SSO configured from the Directory's App Federation Metadata URL (fetched over
// HTTP from the running Directory, as the settings page does) and active, sending signed-out members
// straight to the Directory (so that the My Apps tile signs B.Simon in with no further click); for the
// demo also SCIM enabled, so that the Directory provisions its members.

import type { Clock } from '@federa/saml';
import {
  activateProvider,
  type Config,
  configureProviderFromMetadataUrl,
  createAccount,
  createOrganization,
  findProviderByOrganization,
  issueScimToken,
  type Schema,
  scimBaseUrl,
  updateProviderOptions,
} from '@federa/sp';
import type { Kysely } from 'kysely';

export async function seedWorkspace(
  db: Kysely<Schema>,
  clock: Clock,
  config: Config,
  options: {
    password: string;
    organization: string;
    metadataUrl: string;
    /** Also Enable SCIM (the demo: the Directory provisions the members; SSO then creates none). */
    scim?: boolean;
  },
): Promise<{ ownerEmail: string; scim: { baseUrl: string; token: string } | null }> {
  const ownerEmail = 'owner@acme.test';
  const owner = await createAccount(db, clock, {
    email: ownerEmail,
    name: 'Acme Owner',
    password: options.password,
    // Made by the operator who runs the demo, not by someone claiming the address.
    emailVerified: true,
  });
  const org = await createOrganization(db, clock, {
    name: 'Acme',
    slug: options.organization,
    ownerUserId: owner.id,
  });
  await configureProviderFromMetadataUrl(
    { db, clock, config },
    { organizationId: org.id, kind: 'active-directory', url: options.metadataUrl, actorUserId: owner.id },
  );
  await activateProvider(db, clock, { organizationId: org.id, actorUserId: owner.id });
  // Every other option as configured; only this one changes.
  const provider = (await findProviderByOrganization(db, org.id))!;
  await updateProviderOptions(
    { db, clock },
    {
      ...provider,
      organizationId: org.id,
      actorUserId: owner.id,
      sessionHours: String(provider.sessionHours),
      sendToIdp: true,
    },
  );
  if (!options.scim) return { ownerEmail, scim: null };
  // Org Settings › Auth › Enable SCIM: the token the Directory's Sentry application provisions with.
  const token = await issueScimToken(db, clock, {
    organizationId: org.id,
    providerId: provider.id,
    actorUserId: owner.id,
  });
  return { ownerEmail, scim: { baseUrl: scimBaseUrl(config.baseUrl, options.organization), token } };
}
