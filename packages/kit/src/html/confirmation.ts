import { hiddenCsrf } from './components.ts';
import { type HtmlValue, html, type SafeHtml } from './template.ts';

// The confirm step of a destructive action, without client JavaScript: the button that used to act
// at once links to a page (a GET) saying what goes and what follows, and only that page's form posts
// `confirm=yes`. A post without it (an old page, a stray form) acts on nothing: the route shows this
// page again instead, so the destructive button is always the one under the consequences.

export const CONFIRM_FIELD = 'confirm';

export interface ConfirmationOptions {
  /** The question, naming what goes: "Delete B.Simon?". */
  question: string;
  /** What follows, one item each: "B.Simon will lose access to Sentry." */
  consequences: readonly HtmlValue[];
  /** Where the form posts (the action's route). */
  action: string;
  csrf: string;
  /** The destructive button: "Delete B.Simon". */
  confirmLabel: string;
  /** Back to where the admin came from, nothing done. */
  cancelHref: string;
}

/** The confirmation card: the question, the consequences, the destructive button and Cancel. */
export function confirmation(options: ConfirmationOptions): SafeHtml {
  return html`<section class="card confirmation" aria-labelledby="confirm-question">
<h2 id="confirm-question">${options.question}</h2>
${options.consequences.length > 0 ? html`<ul>${options.consequences.map((c) => html`<li>${c}</li>`)}</ul>` : null}
<form method="post" action="${options.action}">${hiddenCsrf(options.csrf)}<input type="hidden" name="${CONFIRM_FIELD}" value="yes">
<div class="actions"><button type="submit" class="danger">${options.confirmLabel}</button> <a class="button secondary" href="${options.cancelHref}">Cancel</a></div>
</form>
</section>`;
}

/** Whether a posted form came from the confirmation (carries `confirm=yes`). */
export function isConfirmed(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const value = (body as Record<string, unknown>)[CONFIRM_FIELD];
  return value === 'yes' || (Array.isArray(value) && value.at(-1) === 'yes');
}

/** A link styled as a button, to a confirmation page (the destructive action's first step). */
export function confirmLink(
  href: string,
  label: string,
  options: { kind?: 'danger' | 'secondary'; ariaLabel?: string } = {},
): SafeHtml {
  return html`<a class="button ${options.kind ?? 'danger'}" href="${href}"${options.ariaLabel ? html` aria-label="${options.ariaLabel}"` : null}>${label}</a>`;
}
