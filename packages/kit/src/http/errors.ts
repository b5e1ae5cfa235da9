/**
 * An error the user can act on: a stable `code` (apps keep their own closed unions), the HTTP status,
 * a public message saying what was wrong and what to do, optionally the form field it concerns, and
 * private detail for the log. Expected absence is `null`, never an AppError.
 */
export class AppError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly status: number;
  readonly field: string | undefined;
  readonly detail: Record<string, unknown> | undefined;
  /** Where the error page leads next (else its service's home page). */
  readonly link: { href: string; label: string } | undefined;

  constructor(
    code: Code,
    status: number,
    message: string,
    options: {
      field?: string;
      detail?: Record<string, unknown>;
      link?: { href: string; label: string };
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.field = options.field;
    this.detail = options.detail;
    this.link = options.link;
  }
}

/** Errors that mean the database cannot be reached right now (restart, failover, network). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (
    e.code &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08001',
      '08003',
    ].includes(e.code)
  ) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}
