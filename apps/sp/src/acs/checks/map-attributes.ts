import { mapIdentity } from '../../providers/attribute-mapping.ts';
import type { AcsCheck } from '../state.ts';

/** The IdP user id, email and name, by the organization's attribute mapping (read from the signed assertion only). */
export const mapAttributes: AcsCheck = {
  name: 'map-attributes',
  async run(state) {
    const assertion = state.assertion!;
    state.identity = mapIdentity(state.provider!.mapping, assertion.nameId, assertion.attributes);
  },
};
