import { card, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { queryOf } from '../http/forms.ts';
import { formatTime, selectField } from '../http/inputs.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { isGuid } from '../tenants/tenants.repository.ts';
import { SIGN_IN_RESULT_LABELS, statusBadge } from './sign-in-detail.sections.ts';
import { pageCursor, positionOf, signInsAddress } from './sign-in-logs.address.ts';
import { findSignInLog, type SignInLogEntry, type SignInResult } from './sign-in-logs.repository.ts';
import { searchSignInLogs } from './sign-in-logs.search.ts';
import { signInPane } from './sign-in-pane.ts';

// The sign-in logs as Entra shows them: a list of few columns that fits the screen, and the details of
// the selected row in a pane beside it (`?selected={id}`, sign-in-pane.ts). On a narrow screen
// (≤ 900 px, federa.css) the row's link opens the standalone page `/portal/sign-ins/{id}` instead.

const RESULTS: ReadonlyArray<{ value: SignInResult; label: string }> = (
  ['success', 'failure', 'interrupted'] as const
).map((value) => ({ value, label: SIGN_IN_RESULT_LABELS[value] }));

/** Sign-ins per page of the list. */
export const SIGN_INS_PER_PAGE = 50;

/** The list's date: day and time each kept on one line, so a narrow column breaks between them. */
function when(iso: string) {
  const text = formatTime(iso);
  const space = text.indexOf(' ');
  if (space < 0) return text;
  return html`<span class="nowrap">${text.slice(0, space)}</span> <span class="nowrap">${text.slice(space + 1)}</span>`;
}

function row(entry: SignInLogEntry, query: Record<string, string>, selected: boolean) {
  const current = selected ? html` aria-current="true"` : null;
  return html`<tr${selected ? html` class="selected"` : null}>
<td><a class="row-link wide-only" href="${signInsAddress(query, { selected: entry.id })}"${current}>${when(entry.createdAt)}</a><a class="row-link narrow-only" href="/portal/sign-ins/${entry.id}"${current}>${when(entry.createdAt)}</a></td>
<td data-label="User">${entry.userPrincipalName ?? ''}</td>
<td data-label="Application">${entry.appDisplayName ?? ''}</td>
<td data-label="Status">${statusBadge(entry.result)}${entry.errorCode ? html` <span class="hint nowrap">${entry.errorCode}</span>` : null}</td>
<td data-label="IP address" class="list-ip">${entry.ipAddress ?? ''}</td>
</tr>`;
}

/**
 * GET `/portal/sign-ins`: the tenant's sign-in attempts, newest first, a page at a time (`after`);
 * filter by result, user, application; `selected` opens one in the pane, `tab` picks the pane's tab.
 */
export async function signInLogsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const query = queryOf(request);
  const result = RESULTS.find((r) => r.value === query.result)?.value ?? null;
  const { entries, more } = await searchSignInLogs(deps.db, admin.tenant.id, {
    result,
    userId: query.user || null,
    applicationId: query.app || null,
    after: positionOf(query.after),
    limit: SIGN_INS_PER_PAGE,
  });
  const last = entries.at(-1);
  const pager =
    query.after || (more && last)
      ? html`<nav class="actions" aria-label="Pages of the list">${query.after ? html`<a href="${signInsAddress({ ...query, after: '' })}">Newest</a>` : null}${more && last ? html`<a href="${signInsAddress({ ...query, after: pageCursor(last) })}">Older sign-ins</a>` : null}</nav>`
      : null;
  const selectedId = query.selected ?? '';
  // Looked up in this tenant only: another tenant's sign-in reads as not found. Sign-in ids are
  // GUIDs; anything else names none and is not looked up.
  const selected = isGuid(selectedId) ? await findSignInLog(deps.db, admin.tenant.id, selectedId) : null;
  const list = card(
    null,
    entries.length === 0
      ? html`<p class="empty">No sign-ins match.</p>${pager}`
      : html`<div class="table-scroll"><table class="list-table">
<thead><tr><th scope="col" class="list-date">Date</th><th scope="col">User</th><th scope="col">Application</th><th scope="col" class="list-status">Status</th><th scope="col" class="list-ip">IP address</th></tr></thead>
<tbody>${entries.map((e) => row(e, query, e.id === selected?.id))}</tbody>
</table></div>${pager}`,
  );
  const body = html`<form method="get" action="/portal/sign-ins" class="filters">
${selectField({ label: 'Status', name: 'result', choices: RESULTS, value: result, placeholder: 'All' })}
${query.user ? html`<input type="hidden" name="user" value="${query.user}">` : null}
${query.app ? html`<input type="hidden" name="app" value="${query.app}">` : null}
<button type="submit" class="secondary">Apply</button>
</form>
${
  selectedId
    ? html`<div class="list-detail has-pane">${list}${signInPane(selected, query, query.tab)}</div>`
    : html`<div class="list-detail">${list}</div>`
}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Sign-in logs',
    active: 'sign-ins',
    body,
    breadcrumbs: [{ label: 'Sign-in logs' }],
  });
}
