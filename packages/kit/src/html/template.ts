/** HTML that is already escaped (or a trusted constant). Everything else interpolated is escaped. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The only way pages are written: a tagged template that HTML-escapes every interpolated value
 * (DESIGN.md baseline 10: every reflected value escaped) unless it is already SafeHtml. `null`,
 * `undefined` and `false` render as nothing, arrays as their items in order.
 *
 * @example
 * html`<td>${user.displayName}</td>`
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Marks a trusted constant (never user input) as HTML. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}
