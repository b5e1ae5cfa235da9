import { FORM_DRAFT_SCRIPT } from './form-draft.script.ts';

// The stylesheet and the one script both services serve at /assets/. Nothing comes from a CDN.

export const STYLESHEET = `
:root { --brand: #0078d4; --brand-dark: #005a9e; --bg: #faf9f8; --fg: #201f1e; --muted: #605e5c; --line: #e1dfdd; --error: #a4262c; --ok: #107c10; }
.brand-ws { --brand: #6c5fc7; --brand-dark: #4e3fb4; --bg: #fbfaff; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--brand-dark); }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; z-index: 2; }
.topbar { display: flex; align-items: center; gap: 16px; background: var(--brand); color: #fff; padding: 0 16px; height: 48px; }
.topbar a, .topbar .link { color: #fff; }
.brand { font-weight: 600; font-size: 16px; text-decoration: none; white-space: nowrap; }
.spacer { flex: 1; }
.whoami { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.topbar form.inline { flex-shrink: 0; }
.shell { display: flex; min-height: calc(100vh - 48px); }
.sidenav { width: 220px; flex-shrink: 0; background: #fff; border-right: 1px solid var(--line); padding: 12px 0; }
.sidenav > summary { display: flex; align-items: center; gap: 8px; padding: 8px 20px; cursor: pointer; font-weight: 600; list-style: none; -webkit-tap-highlight-color: transparent; }
.sidenav > summary::-webkit-details-marker { display: none; }
.sidenav > summary::before { content: "\\2630"; font-size: 16px; }
.sidenav ul { list-style: none; margin: 0; padding: 0; }
.sidenav a { display: block; padding: 8px 20px; text-decoration: none; color: var(--fg); }
.sidenav a[aria-current="page"] { background: #edebe9; border-left: 3px solid var(--brand); font-weight: 600; }
main { flex: 1; min-width: 0; padding: 16px 32px 48px; max-width: 1200px; }
.breadcrumbs ol { list-style: none; display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 0 0 8px; color: var(--muted); }
.breadcrumbs li + li::before { content: "›"; margin-right: 6px; }
h1 { font-size: 24px; font-weight: 600; margin: 4px 0 16px; }
h2 { font-size: 16px; margin: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 16px 20px; margin-bottom: 16px; }
.card > header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 12px; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
.empty { color: var(--muted); }
.field { margin: 0 0 14px; max-width: 640px; }
fieldset { min-width: 0; } legend { overflow-wrap: anywhere; }
.field label { display: block; font-weight: 600; margin-bottom: 4px; }
.field input, .field select, .field textarea { width: 100%; padding: 6px 8px; border: 1px solid #8a8886; border-radius: 2px; font: inherit; }
.field input[type="checkbox"], .field input[type="radio"] { width: auto; padding: 0; margin: 0 6px 0 0; vertical-align: middle; }
.field textarea { min-height: 120px; font-family: ui-monospace, monospace; }
.field.has-error input, .field.has-error textarea { border-color: var(--error); }
.hint { color: var(--muted); margin: 4px 0 0; font-size: 12px; }
.error { color: var(--error); margin: 4px 0 0; }
.req { color: var(--error); }
.copy-row { display: flex; gap: 8px; }
.copy-row input { flex: 1; min-width: 0; }
button, .button { display: inline-block; background: var(--brand); color: #fff; border: 1px solid var(--brand); border-radius: 2px; padding: 6px 16px; font: inherit; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--fg); border-color: #8a8886; }
button.danger, .button.danger { background: var(--error); border-color: var(--error); color: #fff; }
button.link { background: none; border: none; padding: 0; text-decoration: underline; }
button:focus-visible, a:focus-visible, input:focus-visible, summary:focus-visible { outline: 2px solid var(--fg); outline-offset: 2px; }
form.inline { display: inline; }
.actions { display: flex; gap: 8px; margin: 12px 0; flex-wrap: wrap; }
.flash { padding: 10px 14px; border-radius: 2px; margin-bottom: 16px; border-left: 4px solid; background: #fff; }
.flash-success { border-color: var(--ok); } .flash-error { border-color: var(--error); } .flash-info { border-color: var(--brand); }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 24px; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 16px; }
.tile { display: block; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 20px; text-decoration: none; color: var(--fg); text-align: center; }
.tile:hover { border-color: var(--brand); }
/* Read by screen readers, not shown: e.g. a link's "(opens in a new tab)". */
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.picker-search { width: 100%; padding: 6px 8px; border: 1px solid #8a8886; border-radius: 2px; font: inherit; margin-bottom: 6px; }
.tile-logo { display: block; width: 48px; height: 48px; margin: 0 auto 10px; }
.tile-search { display: flex; gap: 8px; max-width: 480px; margin: 0 0 16px; }
.tile-search input { flex: 1; min-width: 0; padding: 6px 8px; border: 1px solid #8a8886; border-radius: 2px; font: inherit; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; background: #edebe9; font-size: 12px; }
.badge.ok { background: #dff6dd; } .badge.bad { background: #fde7e9; }
.error-page dl { margin-top: 16px; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
code { overflow-wrap: anywhere; }
pre { background: #f3f2f1; padding: 12px; overflow: auto; }
/* A list whose selected row opens a pane of details beside it (the sign-in logs, as Entra's). The
   whole row is its link; wider than 900 px the link opens the pane (above the list up to 1100 px),
   narrower the standalone page; on a phone each row is a block of labelled lines. */
.list-table tbody tr { position: relative; }
.list-table tbody tr:hover { background: #f3f2f1; }
.list-table tbody tr.selected { background: #deecf9; box-shadow: inset 3px 0 var(--brand); }
.list-table .row-link::after { content: ""; position: absolute; inset: 0; }
.list-table { table-layout: fixed; }
.list-table td { overflow-wrap: anywhere; }
.list-table th.list-date { width: 8.5em; } .list-table th.list-status { width: 7.5em; } .list-table th.list-ip { width: 10em; }
.list-table .badge, .list-table .nowrap { white-space: nowrap; }
.narrow-only { display: none; }
.list-pane .policy-table thead { display: none; }
.list-pane .policy-table, .list-pane .policy-table tbody, .list-pane .policy-table tr, .list-pane .policy-table td { display: block; }
.list-pane .policy-table tr { padding: 8px 0; border-bottom: 1px solid var(--line); }
.list-pane .policy-table td { border: 0; padding: 1px 0; }
.list-pane .policy-table td:empty { display: none; }
.list-pane .policy-table td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
.list-pane > header { flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.list-pane > header h2 { white-space: nowrap; }
.pane-actions { display: flex; flex-wrap: wrap; gap: 0 12px; justify-content: flex-end; }
.pane-tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0 16px; margin: 0 0 12px; padding: 0; border-bottom: 1px solid var(--line); }
.pane-tabs a { display: block; padding: 6px 0; text-decoration: none; color: var(--fg); border-bottom: 2px solid transparent; }
.pane-tabs a[aria-current] { border-bottom-color: var(--brand); font-weight: 600; }
.tab-panel > h3 { font-size: 14px; margin: 0 0 8px; }
/* Side by side where the list keeps room for its columns (1280 px: about 560 and 420 px). */
@media (min-width: 1101px) {
  .list-detail.has-pane { display: grid; grid-template-columns: minmax(0, 4fr) minmax(0, 3fr); gap: 16px; align-items: start; }
  .list-detail.has-pane .list-ip { display: none; }
  .list-pane { position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow-y: auto; }
  .list-pane .facts { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); }
}
@media (max-width: 1100px) {
  .list-detail.has-pane { display: flex; flex-direction: column; }
  .list-detail.has-pane .list-pane { order: -1; }
}
@media (max-width: 900px) {
  .wide-only { display: none; }
  .narrow-only { display: inline; }
}
@media (max-width: 720px) {
  .list-table thead { display: none; }
  .list-table, .list-table tbody, .list-table tr, .list-table td { display: block; }
  .list-table tbody tr { padding: 8px 4px; border-bottom: 1px solid var(--line); }
  .list-table td { border: 0; padding: 1px 0; }
  .list-table td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
/* Wider than a phone the navigation is always shown beside the page, open or not; the summary that
   folds it is for phones only. (Where ::details-content is unknown, "Menu" stays and still works.) */
@media (min-width: 721px) {
  @supports selector(::details-content) {
    .sidenav > summary { display: none; }
    .sidenav::details-content { content-visibility: visible; }
  }
}
/* A phone (390 px and up): one column; the navigation folds behind "Menu" under the top bar. */
@media (max-width: 720px) {
  .topbar { gap: 12px; padding: 0 12px; }
  .shell { display: block; min-height: 0; }
  .sidenav { width: auto; border-right: 0; border-bottom: 1px solid var(--line); padding: 0; }
  .sidenav > summary { padding: 10px 16px; }
  .sidenav[open] > summary { border-bottom: 1px solid var(--line); }
  .sidenav a { padding: 10px 16px; }
  main { padding: 12px 16px 32px; }
  h1 { font-size: 20px; overflow-wrap: anywhere; }
  .card { padding: 12px 14px; }
  .card > header { flex-wrap: wrap; gap: 8px; }
  .facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
  .facts dd { margin-bottom: 8px; }
  .tiles { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px; }
}
`;

export const SCRIPT = `${FORM_DRAFT_SCRIPT}
document.addEventListener('input', function (event) {
  var search = event.target.closest && event.target.closest('[data-filter-options]');
  if (!search) return;
  var list = document.getElementById(search.getAttribute('data-filter-options'));
  if (!list) return;
  var term = search.value.trim().toLowerCase();
  Array.prototype.forEach.call(list.options, function (option) {
    option.hidden = term !== '' && !option.selected && option.label.toLowerCase().indexOf(term) < 0;
  });
});
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('[data-copy]');
  if (!button) return;
  var input = document.getElementById(button.getAttribute('data-copy'));
  if (!input) return;
  // A field's value, or the text of an element (a password shown once in <code>).
  var value = 'value' in input ? input.value : input.textContent.trim();
  if (input.select) input.select();
  else window.getSelection().selectAllChildren(input);
  var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
  if (navigator.clipboard) navigator.clipboard.writeText(value).then(done, function () { document.execCommand('copy'); done(); });
  else { document.execCommand('copy'); done(); }
});
`;
