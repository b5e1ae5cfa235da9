import { type HtmlValue, html, type SafeHtml } from './template.ts';

export function card(title: string | null, body: HtmlValue, actions?: HtmlValue): SafeHtml {
  return html`<section class="card">${title ? html`<header><h2>${title}</h2>${actions ?? null}</header>` : null}${body}</section>`;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly HtmlValue[])[],
  empty = 'Nothing here yet.',
): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  // A table wider than the screen (a phone, or many columns) scrolls inside its card, not the page.
  return html`<div class="table-scroll"><table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

export interface FieldOptions {
  label: string;
  name: string;
  value?: string | null;
  type?: string;
  error?: string | null;
  hint?: string;
  required?: boolean;
  placeholder?: string;
  autocomplete?: string;
}

/** A labelled input with its error beside it (aria-describedby, aria-invalid). */
export function field(options: FieldOptions): SafeHtml {
  const id = `f-${options.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const describedBy = [options.hint ? `${id}-hint` : null, options.error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${options.error ? ' has-error' : ''}">
<label for="${id}">${options.label}${options.required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${options.required ? html` required` : null}${options.placeholder ? html` placeholder="${options.placeholder}"` : null}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : null}${describedBy ? html` aria-describedby="${describedBy}"` : null}${options.error ? html` aria-invalid="true"` : null}>
${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : null}
${options.error ? html`<p class="error" id="${id}-error">${options.error}</p>` : null}
</div>`;
}

/** A read-only value with a copy button (every URL an admin must copy has one). */
export function copyField(label: string, id: string, value: string): SafeHtml {
  return html`<div class="field copy">
<label for="${id}">${label}</label>
<div class="copy-row"><input id="${id}" type="text" readonly value="${value}"><button type="button" class="secondary" data-copy="${id}">Copy</button></div>
</div>`;
}

export function hiddenCsrf(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A definition list of label → value pairs. */
export function facts(pairs: ReadonlyArray<readonly [string, HtmlValue]>): SafeHtml {
  return html`<dl class="facts">${pairs.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}
