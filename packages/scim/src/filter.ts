// RFC 7644 §3.4.2.2 filtering: parse (filter/parse.ts) and evaluate (filter/evaluate.ts).
import { compileFilter } from './filter/evaluate.ts';
import { type Filter, type ParseFilterOptions, parseFilter } from './filter/parse.ts';
import type { ResourceDefinition } from './schemas/resource-type.ts';

export { compileFilter, compileValueFilter } from './filter/evaluate.ts';
export type {
  Compare,
  CompareOperator,
  CompareValue,
  Filter,
  Logical,
  Not,
  ParseFilterOptions,
  Present,
  ValuePath,
} from './filter/parse.ts';
export { parseFilter } from './filter/parse.ts';

/**
 * Parses `text` and returns a predicate over resources of `resource`'s type: the one call a server
 * needs for `GET /Users?filter=…`.
 *
 * @throws {ScimError} `invalidFilter`, saying what was wrong.
 * @example
 * ```ts
 * const matches = filterPredicate('userName eq "B.Simon@contoso.com"', USER_RESOURCE);
 * users.filter(matches);
 * ```
 */
export function filterPredicate(
  text: string,
  resource: ResourceDefinition,
  options?: ParseFilterOptions,
): (datum: unknown) => boolean {
  const filter: Filter = parseFilter(text, options);
  return compileFilter(filter, resource);
}
