import { html, type SafeHtml } from '@federa/kit';
import { signInSections } from './sign-in-detail.sections.ts';
import { signInsAddress } from './sign-in-logs.address.ts';
import type { SignInLogEntry } from './sign-in-logs.repository.ts';

// The pane that opens beside the sign-in list when a row is selected, as Entra's "Activity Details:
// Sign-ins": the sections of the standalone page as tabs. Without client script, a tab is a link to
// the same list with `tab=` (the list's filters kept).

const TITLE = 'Activity Details: Sign-ins';

/**
 * The pane for `entry`, or a "not found" pane when the selected id names no sign-in of this tenant
 * (unknown, mistyped, or another tenant's: the three read the same, so nothing leaks).
 */
export function signInPane(
  entry: SignInLogEntry | null,
  query: Readonly<Record<string, string>>,
  tab: string | undefined,
): SafeHtml {
  const close = html`<a href="${signInsAddress(query)}">Close<span class="visually-hidden"> the details</span></a>`;
  if (!entry) {
    return html`<section class="card list-pane" id="sign-in-details" aria-labelledby="sign-in-pane-title">
<header><h2 id="sign-in-pane-title">${TITLE}</h2>${close}</header>
<p class="empty" role="status">This sign-in was not found in this tenant’s log. Choose one in the list.</p>
</section>`;
  }
  const sections = signInSections(entry);
  const shown = sections.find((s) => s.key === tab) ?? sections[0]!;
  return html`<section class="card list-pane" id="sign-in-details" aria-labelledby="sign-in-pane-title">
<header><h2 id="sign-in-pane-title">${TITLE}</h2><span class="pane-actions"><a href="/portal/sign-ins/${entry.id}">Open as a page</a> ${close}</span></header>
<nav class="pane-tabs" aria-label="Sign-in details"><ul>${sections.map(
    (s) =>
      html`<li><a href="${signInsAddress(query, { selected: entry.id, tab: s.key })}"${s === shown ? html` aria-current="true"` : null}>${s.title}</a></li>`,
  )}</ul></nav>
<section class="tab-panel" aria-labelledby="sign-in-tab-title"><h3 id="sign-in-tab-title">${shown.title}</h3>
${shown.body}
</section>
</section>`;
}
