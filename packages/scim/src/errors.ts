/**
 * RFC 7644 §3.12: the `scimType` values a SCIM error carries, as a closed union. Callers (and tests)
 * branch on `scimType`, never on message text. The message (`detail` on the wire) says what was wrong
 * in words a client's admin can act on; it never contains tokens or personal data beyond what the
 * client itself sent in the attribute path or filter being refused.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** RFC 7644 §3.12, table 9: the HTTP status each `scimType` is returned with. */
const STATUS_OF: Record<ScimType, number> = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403,
};

/** RFC 7644 §3.12: the schema URI of an error response. */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12: the JSON body of an error response. `status` is a string on the wire. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

/**
 * A SCIM request refused by the core. `status` is the HTTP status RFC 7644 gives its `scimType`.
 *
 * @example
 * ```ts
 * try {
 *   parseFilter('userName eq');
 * } catch (error) {
 *   if (error instanceof ScimError) reply.code(error.status).send(toScimErrorBody(error));
 * }
 * ```
 */
export class ScimError extends Error {
  readonly scimType: ScimType;
  readonly status: number;

  constructor(scimType: ScimType, message: string, options?: { status?: number }) {
    super(message);
    this.name = 'ScimError';
    this.scimType = scimType;
    this.status = options?.status ?? STATUS_OF[scimType];
  }
}

/**
 * The RFC 7644 §3.12 body for an error: a {@link ScimError}, or a bare status with a detail (a 404
 * "Resource 2819c223 not found", a 401, a 412 on an ETag mismatch) for errors that have no `scimType`.
 *
 * @example
 * ```ts
 * toScimErrorBody(new ScimError('uniqueness', 'User already exists in the database.'));
 * // { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409',
 * //   scimType: 'uniqueness', detail: 'User already exists in the database.' }
 * toScimErrorBody({ status: 404, detail: 'User not found.' });
 * // { schemas: [...], status: '404', detail: 'User not found.' }
 * ```
 */
export function toScimErrorBody(error: ScimError | { status: number; detail?: string }): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(error.status) };
  if (error instanceof ScimError) {
    body.scimType = error.scimType;
    body.detail = error.message;
  } else if (error.detail !== undefined) {
    body.detail = error.detail;
  }
  return body;
}
