// RFC 7644 §3.5.2: the `path` of a PATCH operation: `attrPath / valuePath [subAttr]`.
import { ScimError } from './errors.ts';
import { ATTR_PATH, type Filter, parseFilter } from './filter/parse.ts';

/** A parsed PATCH path: `emails[type eq "work"].value` is attrPath `emails`, a filter and subAttr `value`. */
export interface PatchPath {
  attrPath: string;
  valueFilter: Filter | null;
  subAttr: string | null;
}

const VALUE_PATH = /^([^[\]]+)\[(.*)\](?:\.([A-Za-z$][\w-]*))?$/s;

/**
 * Parses a PATCH `path`.
 *
 * @throws {ScimError} `invalidPath`, saying what was wrong.
 * @example
 * ```ts
 * parsePatchPath('members[value eq "2819c223"]');
 * // { attrPath: 'members', valueFilter: { op: 'eq', attrPath: 'value', compValue: '2819c223' }, subAttr: null }
 * ```
 */
export function parsePatchPath(text: string): PatchPath {
  const path = text.trim();
  if (path === '') throw new ScimError('invalidPath', 'Invalid path: it is empty.');
  if (!path.includes('[')) {
    if (!ATTR_PATH.test(path))
      throw new ScimError('invalidPath', `Invalid path: '${path}' is not an attribute path.`);
    return { attrPath: path, valueFilter: null, subAttr: null };
  }
  const match = VALUE_PATH.exec(path);
  if (!match) {
    throw new ScimError(
      'invalidPath',
      `Invalid path: '${path}' is not of the form attribute[filter] or attribute[filter].subAttribute.`,
    );
  }
  const [, attrPath = '', inside = '', subAttr] = match;
  if (!ATTR_PATH.test(attrPath) || attrPath.includes('.')) {
    throw new ScimError('invalidPath', `Invalid path: '${attrPath}' cannot take a [value filter].`);
  }
  let valueFilter: Filter;
  try {
    valueFilter = parseFilter(inside);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    throw new ScimError(
      'invalidPath',
      `Invalid path '${path}': ${error.message.replace(/^Invalid filter: /, 'its filter: ')}`,
    );
  }
  return { attrPath, valueFilter, subAttr: subAttr ?? null };
}
