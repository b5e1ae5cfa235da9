import { AppError } from '@federa/kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FormErrors, type IdpErrorCode } from '../errors.ts';

/** Every way the admin API refuses a request: the portal's codes and the API's own. */
export type ApiErrorCode =
  | IdpErrorCode
  /** No Authorization: Bearer header. */
  | 'unauthenticated'
  /** A bearer token that is malformed, unknown, revoked or expired. */
  | 'invalid_token'
  /** The request does not match the operation's JSON schema (or is not JSON). */
  | 'invalid_request';

export function apiError(
  code: ApiErrorCode,
  status: number,
  message: string,
  options: { field?: string } = {},
): AppError<ApiErrorCode> {
  return new AppError(code, status, message, options);
}

/**
 * A service's FormErrors: 409 `conflict` when every problem is that something already exists (a
 * user name, group name, Identifier or assignment taken), else 400 `validation_failed`. `field` is the
 * first field; `fields` has them all.
 */
function sendFormErrors(request: FastifyRequest, reply: FastifyReply, error: FormErrors): FastifyReply {
  const entries = Object.entries(error.fields);
  const conflict = entries.length > 0 && entries.every(([, message]) => /\balready\b/i.test(message));
  const code: ApiErrorCode = conflict ? 'conflict' : 'validation_failed';
  request.log.warn({ code, fields: Object.keys(error.fields) }, 'request refused');
  return reply.status(conflict ? 409 : 400).send({
    error: {
      code,
      message: entries.map(([, message]) => message).join(' '),
      field: entries[0]?.[0],
      fields: error.fields,
      correlationId: request.id,
    },
  });
}

/** `/identifiers/0/identifier` → `identifiers[0].identifier`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

function schemaFailure(error: FastifyError): AppError<ApiErrorCode> {
  const first = error.validation?.[0] as
    | { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }
    | undefined;
  const where = error.validationContext ?? 'body';
  const base = fieldPath(first?.instancePath ?? '');
  let field = base;
  let message: string;
  if (first?.keyword === 'required') {
    field = [base, String(first.params?.missingProperty ?? '')].filter(Boolean).join('.');
    message = `The ${where} lacks ${field}, which is required.`;
  } else if (first?.keyword === 'additionalProperties') {
    field = [base, String(first.params?.additionalProperty ?? '')].filter(Boolean).join('.');
    message = `The ${where} has ${field}, which this operation does not know.`;
  } else {
    message = `${field || `The ${where}`} ${first?.message ?? 'is not valid'}.`;
    if (first?.keyword === 'enum' && Array.isArray(first.params?.allowedValues)) {
      message = `${field} must be one of: ${(first.params.allowedValues as unknown[]).join(', ')}.`;
    }
  }
  return apiError(
    'invalid_request',
    400,
    message,
    field ? { field: where === 'body' ? field : `${where}.${field}` } : {},
  );
}

/**
 * The API's error handler: service FormErrors → 400/409 with their fields, schema failures and
 * malformed bodies → 400 `invalid_request`; everything else goes on to the kit's handler (AppError →
 * its status, database down → 503, anything else → 500), which answers JSON under /api/.
 */
export async function apiErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (error instanceof FormErrors) return sendFormErrors(request, reply, error);
  if (error.validation) throw schemaFailure(error);
  if (
    !(error instanceof AppError) &&
    typeof error.code === 'string' &&
    error.code.startsWith('FST_') &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode < 500 &&
    error.statusCode !== 413
  ) {
    throw apiError('invalid_request', error.statusCode, `The request is not valid: ${error.message}.`);
  }
  throw error;
}

/** Renames a service's form fields to the API's property paths (e.g. `identifier_0` → `identifiers[0].identifier`). */
export async function withFieldNames<T>(rename: (field: string) => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof FormErrors) {
      throw new FormErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [rename(k), v])));
    }
    throw error;
  }
}
