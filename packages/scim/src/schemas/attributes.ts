// RFC 7643 §7: how a schema describes its attributes, and §2.2's defaults for what is left out.

/** RFC 7643 §2.3: the data types of attribute values. */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

/** RFC 7643 §7: one attribute of a schema, as `/Schemas` publishes it. */
export interface Attribute {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attribute[];
}

/** RFC 7643 §7: a schema, as `/Schemas` publishes it (less `meta`, which the publisher adds). */
export interface Schema {
  id: string;
  name: string;
  description: string;
  attributes: Attribute[];
}

/**
 * An attribute with RFC 7643 §2.2's defaults filled in (string, single-valued, optional, not
 * case-exact, readWrite, returned by default, not unique).
 */
export function attribute(
  name: string,
  description: string,
  options: Partial<Omit<Attribute, 'name' | 'description'>> = {},
): Attribute {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** Finds an attribute by name the way RFC 7643 §2.1 says names compare: case-insensitively. */
export function findAttribute(attributes: readonly Attribute[], name: string): Attribute | null {
  const lower = name.toLowerCase();
  return attributes.find((candidate) => candidate.name.toLowerCase() === lower) ?? null;
}
