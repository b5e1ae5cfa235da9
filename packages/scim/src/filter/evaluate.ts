// RFC 7644 §3.4.2.2: what a filter matches. Strings compare case-insensitively unless the attribute
// is caseExact (userName is not: `userName eq "b.simon@contoso.com"` finds B.Simon@contoso.com);
// a multi-valued attribute matches when any of its values does; `pr` needs a non-empty value.
import { ScimError } from '../errors.ts';
import { type Attribute, findAttribute } from '../schemas/attributes.ts';
import { type ResourceDefinition, resolveAttribute } from '../schemas/resource-type.ts';
import type { Compare, CompareValue, Filter } from './parse.ts';

/** Resolves a filter's attribute path to its definition (null if unknown) and its values in a datum. */
interface Scope {
  resolve(path: string): { attribute: Attribute | null; values: (datum: unknown) => unknown[] };
}

function invalid(problem: string): never {
  throw new ScimError('invalidFilter', `Invalid filter: ${problem}.`);
}

/** Reads a key of an object by RFC 7643 §2.1's rule: names compare case-insensitively. */
export function readKey(datum: unknown, name: string): unknown {
  if (datum === null || typeof datum !== 'object' || Array.isArray(datum)) return undefined;
  const record = datum as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function flat(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.filter((item) => item !== undefined && item !== null) : [value];
}

function readPath(datum: unknown, names: string[]): unknown[] {
  let values = [datum];
  for (const name of names) values = values.flatMap((value) => flat(readKey(value, name)));
  return values;
}

function resourceScope(resource: ResourceDefinition): Scope {
  return {
    resolve(path) {
      const resolved = resolveAttribute(resource, path);
      if (!resolved) {
        // Unknown attributes (a server's own, like Sentry's sentryOrgRole) are read as written and
        // compared as non-case-exact strings rather than refused.
        const names = path.slice(path.lastIndexOf(':') + 1).split('.');
        return { attribute: null, values: (datum) => readPath(datum, names) };
      }
      const names = [resolved.attribute.name];
      if (resolved.subAttribute) names.push(resolved.subAttribute.name);
      const root = (datum: unknown) => (resolved.extension ? readKey(datum, resolved.extension) : datum);
      return {
        attribute: resolved.subAttribute ?? resolved.attribute,
        values: (datum) => readPath(root(datum), names),
      };
    },
  };
}

function elementScope(parent: Attribute): Scope {
  return {
    resolve(path) {
      const attribute = findAttribute(parent.subAttributes ?? [], path);
      if (!attribute) return { attribute: null, values: (datum) => readPath(datum, [path]) };
      return { attribute, values: (datum) => readPath(datum, [attribute.name]) };
    },
  };
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

type Predicate = (datum: unknown) => boolean;

function compile(filter: Filter, scope: Scope): Predicate {
  switch (filter.op) {
    case 'and': {
      const parts = filter.filters.map((part) => compile(part, scope));
      return (datum) => parts.every((part) => part(datum));
    }
    case 'or': {
      const parts = filter.filters.map((part) => compile(part, scope));
      return (datum) => parts.some((part) => part(datum));
    }
    case 'not': {
      const inner = compile(filter.filter, scope);
      return (datum) => !inner(datum);
    }
    case '[]': {
      const { attribute, values } = scope.resolve(filter.attrPath);
      if (attribute && attribute.type !== 'complex') {
        invalid(`'${filter.attrPath}' is not a complex attribute, so it cannot take a [value filter]`);
      }
      const inner = compile(
        filter.valFilter,
        attribute ? elementScope(attribute) : { resolve: (path) => elementScope(anyComplex).resolve(path) },
      );
      return (datum) => values(datum).some(inner);
    }
    case 'pr': {
      const { values } = scope.resolve(filter.attrPath);
      return (datum) => values(datum).some((value) => !isEmpty(value));
    }
    default:
      return compare(filter, scope);
  }
}

const anyComplex: Attribute = {
  name: '',
  type: 'complex',
  multiValued: true,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  subAttributes: [],
};

function compare(filter: Compare, scope: Scope): Predicate {
  const resolved = scope.resolve(filter.attrPath);
  let attribute = resolved.attribute;
  let values = resolved.values;
  if (attribute?.type === 'complex') {
    // RFC 7644 §3.4.2.2's example `emails co "example.com"` compares the `value` sub-attribute.
    const value = findAttribute(attribute.subAttributes ?? [], 'value');
    if (!value) invalid(`'${filter.attrPath}' is a complex attribute: compare one of its sub-attributes`);
    const outer = values;
    values = (datum) => outer(datum).flatMap((element) => flat(readKey(element, 'value')));
    attribute = value;
  }
  const test = comparator(filter, attribute);
  // `ne` holds when no value equals (an absent attribute is "not equal"); the others when any value matches.
  if (filter.op === 'ne') return (datum) => !values(datum).some(test);
  return (datum) => values(datum).some(test);
}

function comparator(filter: Compare, attribute: Attribute | null): (value: unknown) => boolean {
  const { op, compValue, attrPath } = filter;
  const type = attribute?.type;
  if (compValue === null) {
    if (op !== 'eq' && op !== 'ne')
      invalid(`'${attrPath} ${op} null' compares with null; only eq and ne can`);
    // An attribute equal to null is an absent one: `values` holds no nulls, so nothing matches.
    return () => false;
  }
  if (type === 'boolean' || typeof compValue === 'boolean') {
    if (op !== 'eq' && op !== 'ne')
      invalid(`'${attrPath}' is compared with '${op}'; booleans take only eq and ne`);
    if (type === 'boolean' && typeof compValue !== 'boolean') {
      invalid(`'${attrPath}' is a boolean: compare it with true or false`);
    }
    return (value) => value === compValue;
  }
  if (type === 'binary' && op !== 'eq' && op !== 'ne')
    invalid(`'${attrPath}' is binary; only eq and ne apply`);
  if (
    type === 'dateTime' &&
    (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le' || op === 'eq' || op === 'ne')
  ) {
    const limit = typeof compValue === 'string' ? Date.parse(compValue) : Number.NaN;
    if (Number.isNaN(limit)) invalid(`'${attrPath}' is a dateTime: compare it with a quoted xsd:dateTime`);
    return (value) => {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return !Number.isNaN(time) && ordered(op, time, limit);
    };
  }
  if (typeof compValue === 'number') {
    if (op === 'co' || op === 'sw' || op === 'ew')
      invalid(`'${op}' needs a string, not the number ${compValue}`);
    return (value) => typeof value === 'number' && ordered(op, value, compValue);
  }
  if ((type === 'integer' || type === 'decimal') && typeof compValue === 'string') {
    invalid(`'${attrPath}' is a number: compare it with a number, not a string`);
  }
  const caseExact = attribute?.caseExact ?? false;
  const fold = (text: string) => (caseExact ? text : text.toLowerCase());
  const wanted = fold(compValue);
  return (value) => {
    if (typeof value !== 'string') return false;
    const have = fold(value);
    switch (op) {
      case 'co':
        return have.includes(wanted);
      case 'sw':
        return have.startsWith(wanted);
      case 'ew':
        return have.endsWith(wanted);
      default:
        return ordered(op, have, wanted);
    }
  };
}

function ordered<T extends number | string>(op: Compare['op'], have: T, wanted: T): boolean {
  switch (op) {
    case 'eq':
    case 'ne': // `ne` is negated by the caller
      return have === wanted;
    case 'gt':
      return have > wanted;
    case 'ge':
      return have >= wanted;
    case 'lt':
      return have < wanted;
    case 'le':
      return have <= wanted;
    default:
      return false;
  }
}

/**
 * Compiles a parsed filter against a resource type into a predicate over resources. Attribute names
 * resolve case-insensitively; operators that cannot apply to an attribute's type (`gt` on a boolean,
 * `co` with a number) are refused here, before any resource is read.
 *
 * @throws {ScimError} `invalidFilter`.
 * @example
 * ```ts
 * const matches = compileFilter(parseFilter('userName eq "b.simon@contoso.com"'), USER_RESOURCE);
 * matches({ schemas: [USER_SCHEMA], userName: 'B.Simon@contoso.com' }); // true
 * ```
 */
export function compileFilter(filter: Filter, resource: ResourceDefinition): (datum: unknown) => boolean {
  return compile(filter, resourceScope(resource));
}

/** Compiles a value filter (the inside of `members[value eq "…"]`) for the elements of `attribute`. */
export function compileValueFilter(filter: Filter, attribute: Attribute): (element: unknown) => boolean {
  return compile(filter, elementScope(attribute));
}

export type { CompareValue };
