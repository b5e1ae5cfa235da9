import { AppError } from '@federa/kit';

/** Every way a Federa Directory page or service refuses a request (AppError codes). */
export type IdpErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'sign_in_required'
  | 'validation_failed'
  | 'setup_done'
  | 'conflict'
  | 'tenant_not_found'
  | 'certificate_unusable';

export function idpError(
  code: IdpErrorCode,
  status: number,
  message: string,
  options: { field?: string; detail?: Record<string, unknown> } = {},
): AppError<IdpErrorCode> {
  return new AppError(code, status, message, options);
}

export function notFound(what: string): AppError<IdpErrorCode> {
  return idpError('not_found', 404, `${what} was not found. It may have been deleted; go back to the list.`);
}

/**
 * A form that did not validate: field name → what is wrong, shown beside each field. Services throw
 * it before writing anything, so a refused form leaves nothing half-saved.
 */
export class FormErrors extends Error {
  readonly fields: Record<string, string>;
  constructor(fields: Record<string, string>) {
    super(`The form has ${Object.keys(fields).length} problem(s): ${Object.keys(fields).join(', ')}`);
    this.name = 'FormErrors';
    this.fields = fields;
  }
}

/** Collects field errors; `throwIfAny()` throws FormErrors when there is at least one. */
export class FieldErrors {
  readonly fields: Record<string, string> = {};
  add(field: string, message: string): void {
    this.fields[field] ??= message;
  }
  has(field: string): boolean {
    return field in this.fields;
  }
  get any(): boolean {
    return Object.keys(this.fields).length > 0;
  }
  throwIfAny(): void {
    if (this.any) throw new FormErrors(this.fields);
  }
}
