import { type AddressPolicy, addressProblem as kitAddressProblem } from '@federa/kit';

// The SSRF guard lives in the kit (the Directory's SCIM client obeys the same rules); here it names
// the Workspace's own settings.

export {
  type AddressPolicy,
  type CanonicalAddress,
  canonicalAddress,
} from '@federa/kit';

/** Why the Workspace must not fetch from `address` (in any spelling), or null when it may. */
export function addressProblem(address: string, policy: AddressPolicy): string | null {
  return kitAddressProblem(address, policy, {
    loopback: 'SP_ALLOW_LOOPBACK_METADATA',
    private: 'SP_ALLOW_PRIVATE_METADATA',
  });
}
