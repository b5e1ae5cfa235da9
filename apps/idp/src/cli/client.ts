// The admin API as the federa-idp command sees it: FEDERA_IDP_URL (default http://127.0.0.1:4000) and
// FEDERA_IDP_TOKEN (an API token made in the portal). Errors carry the API's code and message.

export const DEFAULT_URL = 'http://127.0.0.1:4000';

/** The API refused the call (or could not be reached): exit code 1 with its message. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly status: number | null;
  readonly fields: Record<string, string>;
  readonly correlationId: string | null;
  constructor(
    message: string,
    options: {
      code: string;
      status: number | null;
      fields?: Record<string, string>;
      correlationId?: string | null;
    },
  ) {
    super(message);
    this.name = 'ApiCallError';
    this.code = options.code;
    this.status = options.status;
    this.fields = options.fields ?? {};
    this.correlationId = options.correlationId ?? null;
  }
}

/** The command was used wrongly (exit code 2): the message says how to use it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ApiClient {
  readonly baseUrl: string;
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON; each command reads what it needs.
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any>;
  text(path: string): Promise<string>;
}

/** A client from the environment; a missing token or a malformed URL is a usage error. */
export function clientFromEnv(env: NodeJS.ProcessEnv): ApiClient {
  const urlText = env.FEDERA_IDP_URL?.trim() || DEFAULT_URL;
  let baseUrl: string;
  try {
    const url = new URL(urlText);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    baseUrl = url.href.replace(/\/+$/, '');
  } catch {
    throw new UsageError(
      `FEDERA_IDP_URL must be the Directory's address, e.g. ${DEFAULT_URL} (got "${urlText}").`,
    );
  }
  const token = env.FEDERA_IDP_TOKEN?.trim();
  if (!token) {
    throw new UsageError(
      `Set FEDERA_IDP_TOKEN to an API token: an administrator makes one in the portal at ${baseUrl}/portal/api-tokens.`,
    );
  }
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    try {
      return await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ApiCallError(
        `Cannot reach Federa Directory at ${baseUrl} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}). Is it running? Set FEDERA_IDP_URL to its address.`,
        { code: 'unreachable', status: null },
      );
    }
  };
  const refuse = async (response: Response): Promise<never> => {
    const text = await response.text();
    let parsed: {
      error?: { code?: string; message?: string; fields?: Record<string, string>; correlationId?: string };
    } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: report the status
    }
    const error = parsed.error;
    throw new ApiCallError(
      error?.message ?? `The Directory answered ${response.status} ${response.statusText}.`,
      {
        code: error?.code ?? `http_${response.status}`,
        status: response.status,
        fields: error?.fields,
        correlationId: error?.correlationId ?? response.headers.get('x-correlation-id'),
      },
    );
  };
  return {
    baseUrl,
    async call(method, path, body) {
      const response = await send(method, path, body);
      if (!response.ok) return refuse(response);
      if (response.status === 204) return null;
      return response.json();
    },
    async text(path) {
      const response = await send('GET', path);
      if (!response.ok) return refuse(response);
      return response.text();
    },
  };
}
