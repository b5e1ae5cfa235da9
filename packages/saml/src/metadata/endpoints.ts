import type { Endpoint, IndexedEndpoint, SpDescriptor } from './types.ts';

/**
 * The ACS to use when a request names none: the one marked `isDefault="true"`, else the lowest index
 * (SAML Metadata §2.2.3); `null` when there is none at all.
 *
 * @example
 * defaultAssertionConsumerService(entity.sp!)?.location; // 'https://sp.example/saml/acs/'
 */
export function defaultAssertionConsumerService(
  sp: Pick<SpDescriptor, 'assertionConsumerServices'>,
): IndexedEndpoint | null {
  const services = sp.assertionConsumerServices;
  const marked = services.find((acs) => acs.isDefault);
  if (marked) return marked;
  let lowest: IndexedEndpoint | null = null;
  for (const acs of services) if (!lowest || acs.index < lowest.index) lowest = acs;
  return lowest;
}

/**
 * The first endpoint with `binding`; `null` when the peer offers none.
 *
 * @example
 * pickEndpoint(entity.idp!.singleSignOnServices, BINDING.redirect)?.location;
 */
export function pickEndpoint<T extends Endpoint>(endpoints: readonly T[], binding: string): T | null {
  return endpoints.find((e) => e.binding === binding) ?? null;
}
