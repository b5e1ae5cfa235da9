/** Errors of one form, by field name; a form is re-rendered with each beside its field. */
export type FieldErrors = Record<string, string>;

/** Thrown by services when input is invalid; routes catch it and show the form again. */
export class ValidationError extends Error {
  readonly fields: FieldErrors;
  constructor(fields: FieldErrors) {
    super(`Invalid input: ${Object.keys(fields).join(', ')}`);
    this.name = 'ValidationError';
    this.fields = fields;
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/.test(email);
}

/** A form field as a trimmed string ('' when absent or not a string). */
export function text(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A checkbox: present (any value) means on. */
export function checked(body: unknown, name: string): boolean {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return value !== undefined && value !== '' && value !== '0';
}
