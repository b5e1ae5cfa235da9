// RFC 7643 §3.1: the attributes every resource carries (id, externalId, meta), which no schema lists.
import { type Attribute, attribute } from './attributes.ts';

/** RFC 7643 §3.1: `meta`, maintained by the service provider. */
export interface Meta {
  resourceType: string;
  created?: string;
  lastModified?: string;
  location?: string;
  /** RFC 7644 §3.14: the ETag, e.g. `W/"3694e05e9dff590"`. */
  version?: string;
}

export const COMMON_ATTRIBUTES: readonly Attribute[] = [
  attribute('id', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  // Entra sends the Directory's object id here: the immutable key SCIM and SSO meet on.
  attribute('externalId', "The client's identifier for the resource.", { caseExact: true }),
  attribute('meta', 'Resource metadata maintained by the service provider.', {
    type: 'complex',
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'The name of the resource type.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attribute('created', 'When the resource was added.', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('lastModified', 'When the resource was last changed.', {
        type: 'dateTime',
        mutability: 'readOnly',
      }),
      attribute('location', 'The URI of the resource.', {
        type: 'reference',
        referenceTypes: ['uri'],
        caseExact: true,
        mutability: 'readOnly',
      }),
      attribute('version', 'The ETag of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

/** RFC 7643 §2.4: the sub-attributes of a multi-valued attribute (value, display, type, primary). */
export function multiValuedSubAttributes(types: string[], value: Partial<Attribute> = {}): Attribute[] {
  return [
    attribute('value', 'The value.', value),
    attribute('display', 'A human-readable name, primarily used for display purposes.'),
    attribute('type', 'A label indicating the function of the value.', { canonicalValues: types }),
    attribute('primary', 'Whether this is the preferred value (true for at most one).', {
      type: 'boolean',
    }),
  ];
}
