import { createHash } from 'node:crypto';
import { isDatabaseUnavailable } from '@federa/kit';
import { ScimError, toScimErrorBody } from '@federa/scim';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteShorthandOptions,
} from 'fastify';
import { isUniqueViolation } from '../../db/db.ts';

// The HTTP side of the SCIM server (RFC 7644 §3): `application/scim+json` in and out, a body cap,
// errors as SCIM error bodies with their `scimType` whatever failed (the route's own error handler,
// so that the pages' error mapping never answers a SCIM client), and weak ETags.

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Largest SCIM request body: a group PATCH adding a few thousand members fits. */
export const SCIM_BODY_LIMIT = 512 * 1024;

/** A refusal with no `scimType` (RFC 7644 §3.12): 401, 404, 412. */
export class ScimHttpError extends Error {
  readonly status: number;
  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'ScimHttpError';
    this.status = status;
  }
}

export function sendScim(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .status(status)
    .header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`)
    .header('cache-control', 'no-store')
    .send(body);
}

function scimErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ScimError) {
    request.log.info({ scimType: error.scimType, status: error.status }, 'SCIM request refused');
    return sendScim(reply, error.status, toScimErrorBody(error));
  }
  if (error instanceof ScimHttpError) {
    if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="SCIM"');
    request.log.info({ status: error.status }, 'SCIM request refused');
    return sendScim(reply, error.status, toScimErrorBody({ status: error.status, detail: error.message }));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    return sendScim(
      reply,
      413,
      toScimErrorBody({ status: 413, detail: `The request body is larger than ${SCIM_BODY_LIMIT} bytes.` }),
    );
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) {
    return sendScim(
      reply,
      415,
      toScimErrorBody({ status: 415, detail: `Send the body as ${SCIM_CONTENT_TYPE} or application/json.` }),
    );
  }
  if (error.statusCode === 400) {
    // The body parsers' refusals: malformed JSON, an empty body, a `__proto__` key.
    return sendScim(
      reply,
      400,
      toScimErrorBody(new ScimError('invalidSyntax', 'The body is not a valid JSON object.')),
    );
  }
  if (isUniqueViolation(error)) {
    // Two requests creating the same thing at once: the second one loses.
    return sendScim(reply, 409, toScimErrorBody(new ScimError('uniqueness', 'The resource already exists.')));
  }
  if (isDatabaseUnavailable(error)) {
    reply.header('retry-after', '2');
    return sendScim(reply, 503, toScimErrorBody({ status: 503, detail: 'Briefly unavailable; try again.' }));
  }
  request.log.error({ err: error }, 'SCIM request failed');
  return sendScim(reply, 500, toScimErrorBody({ status: 500, detail: 'Internal error.' }));
}

/**
 * What every SCIM route is declared with: bearer-authenticated (no session, no CSRF token; see the
 * kit's route-auth.ts), its body capped, its errors SCIM's.
 */
export const SCIM_ROUTE = {
  bodyLimit: SCIM_BODY_LIMIT,
  config: { auth: 'bearer' as const },
  errorHandler: scimErrorHandler,
} satisfies RouteShorthandOptions;

/** Parses `application/scim+json` bodies as JSON (Fastify parses only application/json). */
export function registerScimBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    SCIM_CONTENT_TYPE,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
}

/** RFC 7644 §3.14: a weak ETag of a resource's representation (without its own `meta.version`). */
export function etagOf(representation: unknown): string {
  return `W/"${createHash('sha256').update(JSON.stringify(representation)).digest('hex').slice(0, 20)}"`;
}

/** RFC 7644 §3.14: refuses a change whose If-Match names another version (412). */
export function checkIfMatch(request: FastifyRequest, version: string): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const listed = ifMatch.split(',').map((tag) => tag.trim());
  if (!listed.includes(version)) {
    throw new ScimHttpError(
      412,
      'The resource changed since it was read (If-Match does not match its ETag).',
    );
  }
}

/** RFC 7644 §3.14: whether the client already has this version (If-None-Match → 304). */
export function notModified(request: FastifyRequest, version: string): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  return ifNoneMatch?.split(',').some((tag) => tag.trim() === version) ?? false;
}

/**
 * RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes`, top-level names only: `id`, `schemas` and
 * `meta` always stay (`returned: always`).
 */
export function project<T extends Record<string, unknown>>(resource: T, query: unknown): T {
  const q = (query ?? {}) as Record<string, unknown>;
  const names = (value: unknown) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== '')
      : [];
  const keep = names(q.attributes);
  const drop = names(q.excludedAttributes);
  if (keep.length === 0 && drop.length === 0) return resource;
  const always = new Set(['id', 'schemas', 'meta']);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (always.has(lower) || ((keep.length === 0 || keep.includes(lower)) && !drop.includes(lower))) {
      out[key] = value;
    }
  }
  return out as T;
}
