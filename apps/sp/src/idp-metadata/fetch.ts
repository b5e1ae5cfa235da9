import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import {
  type AddressPolicy,
  addressProblem,
  type CanonicalAddress,
  canonicalAddress,
} from './address-guard.ts';

// Fetches an IdP's metadata URL on the server, for an organization admin who pasted it. The URL is
// untrusted input, so: http(s) only; the host is resolved here and every address, in its canonical
// spelling, checked by the address guard, and the connection goes to that checked text (no second
// DNS answer, nor a second reading of the address, can swap it); each redirect is checked the same
// way; one deadline for the whole fetch; a size cap.

export type MetadataFetchErrorCode =
  | 'URL_INVALID'
  | 'SCHEME_FORBIDDEN'
  | 'ADDRESS_FORBIDDEN'
  | 'DNS_FAILED'
  | 'CONNECTION_FAILED'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  | 'HTTP_STATUS'
  | 'TOO_MANY_REDIRECTS';

export class MetadataFetchError extends Error {
  readonly code: MetadataFetchErrorCode;
  constructor(code: MetadataFetchErrorCode, message: string) {
    super(message);
    this.name = 'MetadataFetchError';
    this.code = code;
  }
}

export interface FetchOptions extends AddressPolicy {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export interface FetchedDocument {
  text: string;
  contentType: string;
  /** The URL the document finally came from (after redirects). */
  url: string;
}

async function checkedAddress(url: URL, policy: AddressPolicy): Promise<CanonicalAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    // WHATWG URL has already turned IPv4 numbers (2130706433, 0x7f000001, 127.1) into dotted decimal;
    // whatever else the resolver turns into an address comes back here and is judged below.
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((answer) => answer.address);
    } catch {
      throw new MetadataFetchError(
        'DNS_FAILED',
        `The host name ${host} could not be resolved. Check the metadata URL.`,
      );
    }
  }
  if (addresses.length === 0) {
    throw new MetadataFetchError(
      'DNS_FAILED',
      `The host name ${host} has no address. Check the metadata URL.`,
    );
  }
  // Every address must pass: a host with one public and one internal address is refused.
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) {
      throw new MetadataFetchError(
        'ADDRESS_FORBIDDEN',
        isIP(host) !== 0
          ? `The metadata URL points to an address this server does not fetch from: ${problem}.`
          : `The metadata URL's host ${host} resolves to an address this server does not fetch from: ${problem}.`,
      );
    }
  }
  // addressProblem returned null, so the address is canonical.
  return canonicalAddress(addresses[0]!)!;
}

function get(url: URL, pinned: CanonicalAddress, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: 'GET',
      // An IP address as the host: Node connects to exactly this text, with no lookup of its own.
      hostname: pinned.address,
      family: pinned.family,
      // TLS still checks the certificate against the URL's host name (SNI too), not the address.
      ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
      signal,
      headers: {
        host: url.host,
        accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1',
        'user-agent': 'Federa-Workspace',
      },
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end();
  });
}

async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    response.destroy();
    throw new MetadataFetchError(
      'TOO_LARGE',
      `The metadata is larger than the ${maxBytes / 1024} KB accepted.`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new MetadataFetchError(
        'TOO_LARGE',
        `The metadata is larger than the ${maxBytes / 1024} KB accepted.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Fetches `rawUrl` under the address guard, following at most `maxRedirects` redirects (each one
 * checked again), within `timeoutMs` in all, reading at most `maxBytes`.
 *
 * @example
 * const { text } = await fetchMetadataUrl('https://login.microsoftonline.com/…/federationmetadata.xml?appid=…',
 *   { timeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 3, allowLoopback: false, allowPrivate: false });
 */
export async function fetchMetadataUrl(rawUrl: string, options: FetchOptions): Promise<FetchedDocument> {
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    throw new MetadataFetchError(
      'URL_INVALID',
      'The metadata URL is not a URL. Paste the whole address, starting with https://.',
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new MetadataFetchError(
          'SCHEME_FORBIDDEN',
          `The metadata URL must start with https:// or http:// (not ${url.protocol}).`,
        );
      }
      if (url.username || url.password) {
        throw new MetadataFetchError(
          'URL_INVALID',
          'The metadata URL must not carry a user name or password.',
        );
      }
      const pinned = await checkedAddress(url, options);
      let response: IncomingMessage;
      try {
        response = await get(url, pinned, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) throw timeoutError(options.timeoutMs);
        throw new MetadataFetchError(
          'CONNECTION_FAILED',
          `Could not connect to ${url.host} (${(error as NodeJS.ErrnoException).code ?? 'connection error'}). Check the metadata URL.`,
        );
      }
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (hop >= options.maxRedirects) {
          throw new MetadataFetchError(
            'TOO_MANY_REDIRECTS',
            `The metadata URL redirected more than ${options.maxRedirects} times.`,
          );
        }
        url = new URL(response.headers.location, url);
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw new MetadataFetchError(
          'HTTP_STATUS',
          `The metadata URL answered HTTP ${status}, not the metadata. Check the URL (and that the application exists).`,
        );
      }
      let body: Buffer;
      try {
        body = await readCapped(response, options.maxBytes);
      } catch (error) {
        if (controller.signal.aborted) throw timeoutError(options.timeoutMs);
        throw error;
      }
      return {
        text: body.toString('utf8'),
        contentType: String(response.headers['content-type'] ?? ''),
        url: url.href,
      };
    }
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof MetadataFetchError))
      throw timeoutError(options.timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(ms: number): MetadataFetchError {
  return new MetadataFetchError(
    'TIMEOUT',
    `The metadata URL did not answer within ${ms / 1000} seconds. Check the URL, or paste the metadata XML instead.`,
  );
}
