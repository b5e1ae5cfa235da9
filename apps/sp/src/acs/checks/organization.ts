import { organizationBySlug, providerOfOrganization } from '../../db/config-cache.ts';
import { type AcsCheck, AcsFailure } from '../state.ts';

/** The organization named in the ACS path exists and has an SSO provider (its own IdP, keys, audience). */
export const organizationHasSso: AcsCheck = {
  name: 'organization-sso-configured',
  async run(state) {
    const organization = await organizationBySlug(state.ctx.cache, state.slug);
    if (!organization)
      throw new AcsFailure('ORGANIZATION_NOT_FOUND', `There is no organization ${state.slug}.`);
    state.organization = organization;
    const provider = await providerOfOrganization(state.ctx.cache, organization.id);
    if (!provider)
      throw new AcsFailure('SSO_NOT_CONFIGURED', `The organization ${state.slug} has no SSO provider.`);
    state.provider = provider;
  },
};
