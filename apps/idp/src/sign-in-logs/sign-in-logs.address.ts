import { isGuid } from '../tenants/tenants.repository.ts';

// The list's address: its filters and page are kept in every link that selects a row or a tab of the
// pane, so that choosing a sign-in never changes what the list shows.

/** The query parameters that decide what the list shows. */
const LIST_PARAMETERS = ['result', 'user', 'app', 'after'] as const;

export interface PaneState {
  /** The sign-in shown in the pane beside the list. */
  selected?: string;
  /** The pane's tab (Basic info when absent). */
  tab?: string;
}

/** `/portal/sign-ins?…` with the list's own parameters from `query`, and the pane's from `pane`. */
export function signInsAddress(query: Readonly<Record<string, string>>, pane: PaneState = {}): string {
  const params = new URLSearchParams();
  for (const name of LIST_PARAMETERS) if (query[name]) params.set(name, query[name]);
  if (pane.selected) params.set('selected', pane.selected);
  if (pane.tab && pane.tab !== 'basic') params.set('tab', pane.tab);
  const search = params.toString();
  return search ? `/portal/sign-ins?${search}` : '/portal/sign-ins';
}

/** The `after` parameter of the next page: the position of the last entry shown (opaque). */
export function pageCursor(entry: { createdAt: string; id: string }): string {
  return Buffer.from(`${entry.createdAt}|${entry.id}`, 'utf8').toString('base64url');
}

/** The position an `after` parameter names; null (the first page) for one this list did not give out. */
export function positionOf(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || rest.length > 0 || Number.isNaN(Date.parse(createdAt)) || !isGuid(id)) return null;
  return { createdAt, id };
}
