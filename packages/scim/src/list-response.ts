// RFC 7644 §3.4.2: ListResponse, and §3.4.2.4's 1-based pagination (startIndex, count).
import { ScimError } from './errors.ts';
import { DEFAULT_MAX_RESULTS } from './schemas/discovery.ts';
import { LIST_RESPONSE_SCHEMA } from './schemas/urns.ts';

/** RFC 7644 §3.4.2: the body of a query's response. */
export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/** A page to read: `offset` is 0-based (for SQL), `limit` already capped. */
export interface Page {
  startIndex: number;
  count: number;
  offset: number;
  limit: number;
}

/**
 * Reads `startIndex` and `count` from a query string (RFC 7644 §3.4.2.4): startIndex below 1 is 1,
 * a negative count is 0, count is capped at `maxResults`; absent values take 1 and `maxResults`.
 *
 * @throws {ScimError} `invalidValue` when either is not an integer.
 * @example
 * ```ts
 * readPage({ startIndex: '1', count: '500' }, 100); // { startIndex: 1, count: 100, offset: 0, limit: 100 }
 * ```
 */
export function readPage(
  query: { startIndex?: unknown; count?: unknown },
  maxResults: number = DEFAULT_MAX_RESULTS,
): Page {
  const startIndex = Math.max(1, integer(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(maxResults, Math.max(0, integer(query.count, 'count') ?? maxResults));
  return { startIndex, count, offset: startIndex - 1, limit: count };
}

function integer(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const text = String(value).trim();
  if (!/^-?\d{1,15}$/.test(text))
    throw new ScimError(
      'invalidValue',
      `'${name}' must be an integer, not ${JSON.stringify(text.slice(0, 20))}.`,
    );
  return Number(text);
}

/**
 * Builds a ListResponse for one page of results. `totalResults` is the number of all matches, not of
 * this page; `itemsPerPage` is the number returned.
 *
 * @example
 * ```ts
 * listResponse([], { totalResults: 0, startIndex: 1 });
 * // { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0,
 * //   startIndex: 1, itemsPerPage: 0, Resources: [] }
 * ```
 */
export function listResponse<T>(
  resources: T[],
  page: { totalResults: number; startIndex: number },
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/**
 * Pages an in-memory list: the slice for `page`, wrapped in a ListResponse with the full count.
 *
 * @example
 * ```ts
 * paginate(users, readPage({ startIndex: '11', count: '10' }));
 * ```
 */
export function paginate<T>(all: T[], page: Page): ListResponse<T> {
  return listResponse(all.slice(page.offset, page.offset + page.limit), {
    totalResults: all.length,
    startIndex: page.startIndex,
  });
}
