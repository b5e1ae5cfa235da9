// RFC 7643 §2.3: checking a PATCH value against its attribute's type, with Entra's spellings accepted.
import { ScimError } from '../errors.ts';
import { type Attribute, findAttribute } from '../schemas/attributes.ts';

function invalidValue(where: string, expected: string, value: unknown): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.slice(0, 40))
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'an object'
          : String(value);
  throw new ScimError('invalidValue', `The value for '${where}' must be ${expected}, not ${shown}.`);
}

/**
 * A value made to fit `attribute`: booleans from `true`/`false` or Entra's strings `"True"`/`"False"`
 * (any case), complex values with sub-attribute names put in canonical case and unknown, read-only
 * or null sub-attributes dropped (Entra sends `"$ref": null` with members), one value of a
 * multi-valued attribute wrapped in a list. `null` stays null (RFC 7643 §2.5: unassigned).
 */
export function coerce(attribute: Attribute, value: unknown, where: string): unknown {
  if (value === null) return null;
  if (attribute.multiValued) {
    const list = Array.isArray(value) ? value : [value];
    const single = { ...attribute, multiValued: false };
    return list
      .filter((item) => item !== null)
      .map((item, index) => coerce(single, item, `${where}[${index}]`));
  }
  switch (attribute.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      return invalidValue(where, 'a boolean', value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return invalidValue(where, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number') return value;
      return invalidValue(where, 'a number', value);
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      return invalidValue(where, 'an xsd:dateTime string', value);
    case 'complex': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        // A bare string for a multi-valued complex attribute is its `value` (`"members": "id"`).
        const valueSub = findAttribute(attribute.subAttributes ?? [], 'value');
        if (valueSub && typeof value === 'string') return { [valueSub.name]: value };
        return invalidValue(where, 'an object', value);
      }
      const result: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        const sub = findAttribute(attribute.subAttributes ?? [], key);
        if (!sub || sub.mutability === 'readOnly' || inner === null || inner === undefined) continue;
        result[sub.name] = coerce(sub, inner, `${where}.${sub.name}`);
      }
      return result;
    }
    default:
      if (typeof value === 'string') return value;
      return invalidValue(where, 'a string', value);
  }
}

/** Whether two values of a multi-valued attribute are the same one: by `value` if it has one. */
export function sameElement(attribute: Attribute, a: unknown, b: unknown): boolean {
  const valueSub = findAttribute(attribute.subAttributes ?? [], 'value');
  if (attribute.type === 'complex' && valueSub) {
    const left = (a as Record<string, unknown> | null)?.[valueSub.name];
    const right = (b as Record<string, unknown> | null)?.[valueSub.name];
    if (typeof left !== 'string' || typeof right !== 'string') return false;
    return valueSub.caseExact ? left === right : left.toLowerCase() === right.toLowerCase();
  }
  return JSON.stringify(a) === JSON.stringify(b);
}
