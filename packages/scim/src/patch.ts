// RFC 7644 §3.5.2: PATCH, in both dialects Entra sends. Its default one (ops "Add"/"Replace"/"Remove",
// booleans as "True"/"False" strings, one op per path, members removed by a value list) and the
// RFC-compliant one of `aadOptscim062020` (lowercase ops, booleans, pathless value maps,
// `members[value eq "…"]`) go through the same code: ops compare case-insensitively and boolean
// attributes take either spelling. The resource is copied first and the copy returned, so a request
// with one bad operation changes nothing (§3.5.2: "the PATCH ... SHALL be atomic").
import { ScimError } from './errors.ts';
import { compileValueFilter, readKey } from './filter/evaluate.ts';
import type { Filter } from './filter/parse.ts';
import { coerce, sameElement } from './patch/values.ts';
import { type PatchPath, parsePatchPath } from './path.ts';
import { type Attribute, findAttribute } from './schemas/attributes.ts';
import { type ResourceDefinition, resolveAttribute } from './schemas/resource-type.ts';
import { PATCH_OP_SCHEMA } from './schemas/urns.ts';

/** RFC 7644 §3.5.2: one operation as it arrives (op in any case; value in either dialect). */
export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/** RFC 7644 §3.5.2: the body of a PATCH request. */
export interface PatchRequest {
  schemas: string[];
  Operations: PatchOperation[];
}

export interface ApplyPatchOptions {
  /** Most operations accepted in one request (default 1000). */
  maxOperations?: number;
}

export interface PatchResult<T> {
  /** A new resource with every operation applied; the input is never changed. */
  resource: T;
  /** Paths naming attributes the resource type does not have (or read-only ones inside a value map), skipped. */
  ignored: string[];
}

type Op = 'add' | 'replace' | 'remove';
type Json = Record<string, unknown>;

function syntax(message: string): never {
  throw new ScimError('invalidSyntax', message);
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks the request's shape (RFC 7644 §3.5.2: schemas has PatchOp, Operations a non-empty list). */
function readRequest(
  body: unknown,
  maxOperations: number,
): { op: Op; path: string | undefined; value: unknown }[] {
  if (!isObject(body)) syntax('The PATCH body must be a JSON object with "schemas" and "Operations".');
  const schemas = readKey(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((uri) => typeof uri === 'string' && uri.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    syntax(`The PATCH body's "schemas" must contain "${PATCH_OP_SCHEMA}".`);
  }
  const operations = readKey(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    syntax('The PATCH body needs a non-empty "Operations" list.');
  if (operations.length > maxOperations) syntax(`The PATCH body has more than ${maxOperations} operations.`);
  return operations.map((operation, index) => {
    const where = `Operation ${index + 1}`;
    if (!isObject(operation)) syntax(`${where} is not an object.`);
    const op = readKey(operation, 'op');
    const kind = typeof op === 'string' ? op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      syntax(`${where} has op ${JSON.stringify(op ?? null)}; it must be "add", "replace" or "remove".`);
    }
    const path = readKey(operation, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string')
      syntax(`${where} has a "path" that is not a string.`);
    const hasValue = Object.keys(operation).some((key) => key.toLowerCase() === 'value');
    if (kind !== 'remove' && !hasValue) syntax(`${where} (${kind}) has no "value".`);
    // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ... noTarget".
    if (kind === 'remove' && (path === undefined || path === null)) {
      throw new ScimError('noTarget', `${where} (remove) has no "path", so there is nothing to remove.`);
    }
    return {
      op: kind as Op,
      path: typeof path === 'string' ? path : undefined,
      value: readKey(operation, 'value'),
    };
  });
}

class Patcher {
  readonly ignored: string[] = [];
  readonly resource: Json;
  readonly definition: ResourceDefinition;

  constructor(resource: Json, definition: ResourceDefinition) {
    this.resource = resource;
    this.definition = definition;
  }

  /** A pathless add or replace: each key of the value map is a path (RFC 7644 §3.5.2.1, §3.5.2.3). */
  applyMap(op: Op, value: unknown): void {
    if (!isObject(value)) {
      throw new ScimError('invalidValue', `A pathless "${op}" needs an object of attributes as its value.`);
    }
    for (const [key, item] of Object.entries(value)) {
      const extension = this.definition.extensions.find(
        (e) => e.schema.id.toLowerCase() === key.toLowerCase(),
      );
      if (extension && isObject(item)) {
        for (const [name, inner] of Object.entries(item))
          this.apply(op, `${extension.schema.id}:${name}`, inner, true);
      } else if (key.toLowerCase() === 'schemas') {
        // The service provider keeps "schemas" in step with the attributes present.
      } else {
        this.apply(op, key, item, true);
      }
    }
  }

  apply(op: Op, pathText: string, value: unknown, inMap: boolean): void {
    const path: PatchPath = parsePatchPath(pathText);
    const resolved = resolveAttribute(this.definition, path.attrPath);
    if (!resolved || (path.subAttr !== null && resolved.subAttribute !== null)) {
      if (!resolved) {
        this.ignored.push(pathText);
        return;
      }
      throw new ScimError('invalidPath', `Invalid path: '${pathText}' names a sub-attribute twice.`);
    }
    const attribute = resolved.attribute;
    let sub: Attribute | null = resolved.subAttribute;
    if (path.subAttr !== null) {
      sub = findAttribute(attribute.subAttributes ?? [], path.subAttr);
      if (!sub) {
        this.ignored.push(pathText);
        return;
      }
    }
    if (path.valueFilter && !(attribute.type === 'complex' && attribute.multiValued)) {
      throw new ScimError(
        'invalidPath',
        `Invalid path: '${attribute.name}' is not multi-valued, so it cannot take a [value filter].`,
      );
    }
    const target = sub ?? attribute;
    if (target.mutability === 'readOnly' || attribute.mutability === 'readOnly') {
      if (inMap) {
        this.ignored.push(pathText);
        return;
      }
      throw new ScimError('mutability', `'${pathText}' is read-only.`);
    }
    const container = this.container(resolved.extension, op !== 'remove');
    if (!container) return;
    const key = canonicalKey(container, attribute.name);
    const current = container[key];
    if (attribute.mutability === 'immutable' && current !== undefined && op !== 'add') {
      throw new ScimError('mutability', `'${attribute.name}' is immutable and already has a value.`);
    }
    if (path.valueFilter) {
      this.applyFiltered(op, container, key, attribute, path.valueFilter, sub, value, pathText);
      return;
    }
    if (sub) {
      this.applySub(op, container, key, attribute, sub, value);
      return;
    }
    this.applyWhole(op, container, key, attribute, value);
  }

  /** The object an attribute lives in: the resource, or its extension's object (RFC 7643 §3.3). */
  container(extension: string | null, create: boolean): Json | null {
    if (extension === null) return this.resource;
    const key = canonicalKey(this.resource, extension);
    const existing = this.resource[key];
    if (isObject(existing)) return existing;
    if (!create) return null;
    const made: Json = {};
    this.resource[key] = made;
    const schemas = Array.isArray(this.resource.schemas) ? (this.resource.schemas as unknown[]) : [];
    if (!schemas.some((uri) => typeof uri === 'string' && uri.toLowerCase() === extension.toLowerCase())) {
      this.resource.schemas = [...schemas, extension];
    }
    return made;
  }

  applyWhole(op: Op, container: Json, key: string, attribute: Attribute, value: unknown): void {
    if (op === 'remove') {
      if (value !== undefined && value !== null && attribute.multiValued) {
        // Entra's default dialect removes group members with a value list, {"path":"members",
        // "value":[{"value":"a"},{"value":"b"}]}: remove every listed element (Sentry removed only the first).
        const listed = coerce(attribute, value, attribute.name) as unknown[];
        const kept = asArray(container[key]).filter(
          (element) => !listed.some((gone) => sameElement(attribute, element, gone)),
        );
        setOrDelete(container, key, kept);
        return;
      }
      if (attribute.required)
        throw new ScimError('invalidValue', `'${attribute.name}' is required and cannot be removed.`);
      delete container[key];
      return;
    }
    const coerced = coerce(attribute, value, attribute.name);
    if (coerced === null) {
      if (attribute.required)
        throw new ScimError('invalidValue', `'${attribute.name}' is required and cannot be null.`);
      delete container[key];
      return;
    }
    if (attribute.multiValued) {
      const incoming = coerced as unknown[];
      if (op === 'replace') {
        setOrDelete(container, key, incoming);
        return;
      }
      const merged = asArray(container[key]);
      for (const element of incoming) {
        if (!merged.some((existing) => sameElement(attribute, existing, element))) merged.push(element);
      }
      setOrDelete(container, key, merged);
      return;
    }
    if (attribute.type === 'complex' && isObject(container[key])) {
      // RFC 7644 §3.5.2.3: sub-attributes not given in the value are left unchanged.
      container[key] = { ...(container[key] as Json), ...(coerced as Json) };
      return;
    }
    container[key] = coerced;
  }

  applySub(op: Op, container: Json, key: string, attribute: Attribute, sub: Attribute, value: unknown): void {
    const elements = attribute.multiValued
      ? asArray(container[key])
      : isObject(container[key])
        ? [container[key] as Json]
        : [];
    if (op === 'remove') {
      for (const element of elements) delete (element as Json)[canonicalKey(element as Json, sub.name)];
      return;
    }
    const coerced = coerce(sub, value, `${attribute.name}.${sub.name}`);
    if (!attribute.multiValued && elements.length === 0) {
      if (coerced !== null) container[key] = { [sub.name]: coerced };
      return;
    }
    for (const element of elements) setSub(element as Json, sub, coerced);
  }

  applyFiltered(
    op: Op,
    container: Json,
    key: string,
    attribute: Attribute,
    filter: Filter,
    sub: Attribute | null,
    value: unknown,
    pathText: string,
  ): void {
    const matches = compileValueFilter(filter, attribute);
    const elements = asArray(container[key]);
    const matched = elements.filter(matches);
    if (op === 'remove') {
      if (sub) {
        for (const element of matched) delete (element as Json)[canonicalKey(element as Json, sub.name)];
        setOrDelete(
          container,
          key,
          elements.filter((element) => Object.keys(element as Json).length > 0),
        );
        return;
      }
      setOrDelete(
        container,
        key,
        elements.filter((element) => !matched.includes(element)),
      );
      return;
    }
    if (sub) {
      const coerced = coerce(sub, value, `${attribute.name}.${sub.name}`);
      if (matched.length === 0) {
        // Entra replaces `emails[type eq "work"].value` on users that have no work email yet: make the
        // element from the filter's equalities, as Microsoft's reference SCIM server does.
        const seed = elementFromEqualities(filter, attribute);
        if (!seed)
          throw new ScimError(
            'noTarget',
            `No value of '${attribute.name}' matches the filter in '${pathText}'.`,
          );
        if (coerced !== null) container[key] = [...elements, { ...seed, [sub.name]: coerced }];
        return;
      }
      for (const element of matched) setSub(element as Json, sub, coerced);
      return;
    }
    // RFC 7644 §3.5.2.3: a value filter that matches nothing is noTarget.
    if (matched.length === 0)
      throw new ScimError('noTarget', `No value of '${attribute.name}' matches the filter in '${pathText}'.`);
    const single = { ...attribute, multiValued: false };
    const replacement = coerce(single, value, attribute.name);
    if (!isObject(replacement))
      throw new ScimError('invalidValue', `The value for '${pathText}' must be an object.`);
    container[key] = elements.map((element) =>
      matched.includes(element) ? { ...(element as Json), ...replacement } : element,
    );
  }
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function setOrDelete(container: Json, key: string, elements: unknown[]): void {
  // RFC 7644 §3.5.2.2: a multi-valued attribute left with no values is unassigned.
  if (elements.length === 0) delete container[key];
  else container[key] = elements;
}

function setSub(element: Json, sub: Attribute, value: unknown): void {
  const key = canonicalKey(element, sub.name);
  if (value === null) delete element[key];
  else element[key] = value;
}

/** The existing key spelled like `name` in any case, renamed to `name`'s spelling; else `name`. */
function canonicalKey(container: Json, name: string): string {
  const lower = name.toLowerCase();
  const existing = Object.keys(container).find((key) => key.toLowerCase() === lower);
  if (existing !== undefined && existing !== name) {
    container[name] = container[existing];
    delete container[existing];
  }
  return name;
}

/** `type eq "work"` (or an `and` of such) as the element `{type: "work"}`; null for any other filter. */
function elementFromEqualities(filter: Filter, attribute: Attribute): Json | null {
  const parts = filter.op === 'and' ? filter.filters : [filter];
  const element: Json = {};
  for (const part of parts) {
    if (part.op !== 'eq') return null;
    const sub = findAttribute(attribute.subAttributes ?? [], part.attrPath);
    if (!sub || part.compValue === null) return null;
    element[sub.name] = part.compValue;
  }
  return element;
}

/**
 * Applies an RFC 7644 §3.5.2 PATCH request to a resource, atomically: returns a new resource, or
 * throws and leaves nothing changed. Accepts Entra's default dialect and the `aadOptscim062020` one.
 *
 * @throws {ScimError} `invalidSyntax` (body or op malformed), `invalidPath` (path malformed),
 * `noTarget` (remove without path, value filter matching nothing), `invalidValue` (value of the wrong
 * type, required attribute removed), `mutability` (read-only or immutable attribute changed).
 * @example
 * ```ts
 * const { resource } = applyPatch(user, {
 *   schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
 *   Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
 * }, USER_RESOURCE);
 * resource.active; // false
 * ```
 */
export function applyPatch<T extends object>(
  resource: T,
  request: unknown,
  definition: ResourceDefinition,
  options: ApplyPatchOptions = {},
): PatchResult<T> {
  const operations = readRequest(request, options.maxOperations ?? 1000);
  const patcher = new Patcher(structuredClone(resource) as Json, definition);
  for (const operation of operations) {
    if (operation.path === undefined) patcher.applyMap(operation.op, operation.value);
    else patcher.apply(operation.op, operation.path, operation.value, false);
  }
  return { resource: patcher.resource as T, ignored: patcher.ignored };
}

export type { Filter };
