import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { type AddressPolicy, addressProblem, type CanonicalAddress, canonicalAddress } from '@federa/kit';

// The Directory's SCIM transport. The Tenant URL is typed by an admin, so it obeys the same SSRF guard
// as the Workspace's metadata fetch (kit's address guard): http(s) only; the host resolved here, every
// address judged in its canonical spelling, and the connection made to that checked text; no redirects
// followed; one deadline; a size cap. The Secret Token goes only into the Authorization header: it is
// never logged and never part of an error.

export type ScimClientErrorCode =
  | 'URL_INVALID'
  | 'SCHEME_FORBIDDEN'
  | 'ADDRESS_FORBIDDEN'
  | 'DNS_FAILED'
  | 'CONNECTION_FAILED'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  /** The target answered with an error status; the message is its SCIM error detail. */
  | 'HTTP_STATUS';

export class ScimClientError extends Error {
  readonly code: ScimClientErrorCode;
  /** The HTTP status the target answered (HTTP_STATUS only). */
  readonly status: number | null;
  constructor(code: ScimClientErrorCode, message: string, status: number | null = null) {
    super(message);
    this.name = 'ScimClientError';
    this.code = code;
    this.status = status;
  }
}

export interface ScimTarget {
  /** The Tenant URL (its query, e.g. `?aadOptscim062020`, only chooses the dialect). */
  tenantUrl: string;
  secretToken: string;
}

export interface ScimTransportOptions extends AddressPolicy {
  timeoutMs: number;
  maxBytes: number;
}

export interface ScimResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a SCIM JSON body, read by the caller
  body: any;
}

export const SCIM_TRANSPORT_DEFAULTS = { timeoutMs: 15_000, maxBytes: 4 * 1024 * 1024 };

const LOOPBACK_SETTINGS = { loopback: 'IDP_ALLOW_LOOPBACK_SCIM', private: 'IDP_ALLOW_PRIVATE_SCIM' };

/** The Tenant URL parsed and checked for shape (not yet for address): what requests go under. */
export function tenantBase(tenantUrl: string): URL {
  let url: URL;
  try {
    url = new URL(tenantUrl.trim());
  } catch {
    throw new ScimClientError(
      'URL_INVALID',
      'The Tenant URL is not a URL: paste the SCIM base URL, starting with https://.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ScimClientError(
      'SCHEME_FORBIDDEN',
      `The Tenant URL must start with https:// or http:// (not ${url.protocol}).`,
    );
  }
  if (url.username || url.password) {
    throw new ScimClientError('URL_INVALID', 'The Tenant URL must not carry a user name or password.');
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

async function checkedAddress(url: URL, policy: AddressPolicy): Promise<CanonicalAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((answer) => answer.address);
    } catch {
      throw new ScimClientError('DNS_FAILED', `The Tenant URL's host ${host} could not be resolved.`);
    }
  }
  if (addresses.length === 0) {
    throw new ScimClientError('DNS_FAILED', `The Tenant URL's host ${host} has no address.`);
  }
  // Every address must pass: a host with one public and one internal address is refused.
  for (const address of addresses) {
    const problem = addressProblem(address, policy, LOOPBACK_SETTINGS);
    if (problem) {
      throw new ScimClientError(
        'ADDRESS_FORBIDDEN',
        `The Tenant URL points to an address the Directory does not send to: ${problem}.`,
      );
    }
  }
  return canonicalAddress(addresses[0]!)!;
}

function send(
  url: URL,
  pinned: CanonicalAddress,
  method: string,
  token: string,
  payload: string | null,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method,
      hostname: pinned.address,
      family: pinned.family,
      ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
      signal,
      headers: {
        host: url.host,
        accept: 'application/scim+json, application/json',
        authorization: `Bearer ${token}`,
        'user-agent': 'Federa-Directory-Provisioning',
        ...(payload !== null
          ? { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(payload) }
          : {}),
      },
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end(payload ?? undefined);
  });
}

async function readCapped(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new ScimClientError('TOO_LARGE', `The SCIM response is larger than ${maxBytes / 1024} KB.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One SCIM request under the Tenant URL (`path` relative to it, e.g. `Users?filter=…`), under the
 * address guard. HTTP errors come back as statuses; transport failures throw ScimClientError.
 */
export async function scimRequest(
  target: ScimTarget,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  options: ScimTransportOptions,
): Promise<ScimResponse> {
  const url = new URL(path, tenantBase(target.tenantUrl));
  const pinned = await checkedAddress(url, options);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let response: IncomingMessage;
    try {
      response = await send(
        url,
        pinned,
        method,
        target.secretToken,
        body === undefined ? null : JSON.stringify(body),
        controller.signal,
      );
    } catch (error) {
      if (controller.signal.aborted) throw timeout(options.timeoutMs);
      throw new ScimClientError(
        'CONNECTION_FAILED',
        `Could not connect to ${url.host} (${(error as NodeJS.ErrnoException).code ?? 'connection error'}).`,
      );
    }
    let text: string;
    try {
      text = await readCapped(response, options.maxBytes);
    } catch (error) {
      if (controller.signal.aborted) throw timeout(options.timeoutMs);
      throw error;
    }
    let parsed: unknown = null;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { detail: text.slice(0, 300) };
      }
    }
    return { status: response.statusCode ?? 0, body: parsed };
  } finally {
    clearTimeout(timer);
  }
}

function timeout(ms: number): ScimClientError {
  return new ScimClientError('TIMEOUT', `The SCIM endpoint did not answer within ${ms / 1000} seconds.`);
}
