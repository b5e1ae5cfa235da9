import { html, type SafeHtml } from '@federa/kit';

// Form controls the kit's `field` does not cover, with the same conventions: a label, the error beside
// the control (aria-describedby / aria-invalid), a hint.

const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function described(id: string, hint?: string, error?: string | null): SafeHtml {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"${error ? html` aria-invalid="true"` : null}` : html``;
}

function notes(id: string, hint?: string, error?: string | null): SafeHtml {
  return html`${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : null}${error ? html`<p class="error" id="${id}-error">${error}</p>` : null}`;
}

export function selectField(options: {
  label: string;
  name: string;
  choices: ReadonlyArray<{ value: string; label: string }>;
  value?: string | null;
  error?: string | null;
  hint?: string;
  required?: boolean;
  placeholder?: string;
}): SafeHtml {
  const id = idOf(options.name);
  return html`<div class="field${options.error ? ' has-error' : ''}">
<label for="${id}">${options.label}${options.required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
<select id="${id}" name="${options.name}"${options.required ? html` required` : null}${described(id, options.hint, options.error)}>
${options.placeholder !== undefined ? html`<option value="">${options.placeholder}</option>` : null}
${options.choices.map((c) => html`<option value="${c.value}"${c.value === options.value ? html` selected` : null}>${c.label}</option>`)}
</select>
${notes(id, options.hint, options.error)}
</div>`;
}

export function textareaField(options: {
  label: string;
  name: string;
  value?: string | null;
  error?: string | null;
  hint?: string;
  rows?: number;
}): SafeHtml {
  const id = idOf(options.name);
  return html`<div class="field${options.error ? ' has-error' : ''}">
<label for="${id}">${options.label}</label>
<textarea id="${id}" name="${options.name}" rows="${options.rows ?? 8}"${described(id, options.hint, options.error)}>${options.value ?? ''}</textarea>
${notes(id, options.hint, options.error)}
</div>`;
}

/** A Yes / No choice as radio buttons (Entra's toggles), posting `yes` or `no`. */
export function yesNoField(options: {
  label: string;
  name: string;
  value: boolean;
  hint?: string;
  error?: string | null;
}): SafeHtml {
  const id = idOf(options.name);
  return html`<fieldset class="field yes-no${options.error ? ' has-error' : ''}"${described(id, options.hint, options.error)}>
<legend>${options.label}</legend>
<label><input type="radio" name="${options.name}" value="yes"${options.value ? html` checked` : null}> Yes</label>
<label><input type="radio" name="${options.name}" value="no"${options.value ? null : html` checked`}> No</label>
${notes(id, options.hint, options.error)}
</fieldset>`;
}

export function checkboxField(options: {
  label: string;
  name: string;
  checked: boolean;
  hint?: string;
  error?: string | null;
}): SafeHtml {
  const id = idOf(options.name);
  return html`<div class="field checkbox${options.error ? ' has-error' : ''}">
<label for="${id}"><input id="${id}" type="checkbox" name="${options.name}" value="on"${options.checked ? html` checked` : null}${described(id, options.hint, options.error)}> ${options.label}</label>
${notes(id, options.hint, options.error)}
</div>`;
}

export function radioField(options: {
  label: string;
  name: string;
  choices: ReadonlyArray<{ value: string; label: string }>;
  value: string;
  hint?: string;
  error?: string | null;
}): SafeHtml {
  const id = idOf(options.name);
  return html`<fieldset class="field radios${options.error ? ' has-error' : ''}"${described(id, options.hint, options.error)}>
<legend>${options.label}</legend>
${options.choices.map(
  (c) =>
    html`<label><input type="radio" name="${options.name}" value="${c.value}"${c.value === options.value ? html` checked` : null}> ${c.label}</label> `,
)}
${notes(id, options.hint, options.error)}
</fieldset>`;
}

/** A form that posts one action (a button), with the CSRF token. */
export function actionButton(
  action: string,
  csrf: string,
  label: string,
  options: { kind?: 'secondary' | 'danger'; fields?: Record<string, string> } = {},
): SafeHtml {
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}">${Object.entries(
    options.fields ?? {},
  ).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit"${options.kind ? html` class="${options.kind}"` : null}>${label}</button></form>`;
}

export function badge(ok: boolean, yesText: string, noText: string): SafeHtml {
  return html`<span class="badge ${ok ? 'ok' : 'bad'}">${ok ? yesText : noText}</span>`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return '';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}
