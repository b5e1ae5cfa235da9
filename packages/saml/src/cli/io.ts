import { readFile, stat } from 'node:fs/promises';
import { decodeUtf8 } from '../bindings/encoding.ts';
import { SamlError } from '../errors.ts';
import { CliError, type CliIo, UsageError } from './command.ts';

/**
 * The only I/O of federa-saml: files, stdin and http(s) URLs, each read with a size cap (and URLs with
 * a timeout) before anything parses them. The SAML core never touches any of this.
 */

export interface ReadLimits {
  /** Bytes accepted; more is INPUT_TOO_LARGE, found before the whole input is held in memory. */
  maxBytes: number;
  /** For URLs: how long the server has to answer completely. */
  timeoutMs?: number;
}

/** 8 MiB: larger than any SAML message or metadata the parser would accept. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The text of `source`: a file path, `-` for stdin, or (when `allowUrl`) an http(s) URL. Strict UTF-8.
 *
 * @example
 * const xml = await readSource('https://idp.example/metadata.xml', io, { maxBytes: 2 << 20 }, true);
 */
export async function readSource(
  source: string,
  io: CliIo,
  limits: ReadLimits,
  allowUrl = false,
): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    if (!allowUrl) throw new UsageError(`expected a file or -, not a URL (${source})`);
    return decodeUtf8(await fetchBytes(source, limits));
  }
  if (source === '-') return decodeUtf8(await readStdin(io, limits.maxBytes));
  return decodeUtf8(await readFileCapped(source, limits.maxBytes));
}

async function readFileCapped(path: string, maxBytes: number): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError('INPUT_UNREADABLE', `${path} is not a file.`);
    if (info.size > maxBytes) throw tooLarge(path, maxBytes);
    return await readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: string }).code;
    throw new CliError(
      'INPUT_UNREADABLE',
      code === 'ENOENT' ? `${path} does not exist.` : `${path} could not be read (${code ?? 'error'}).`,
    );
  }
}

async function readStdin(io: CliIo, maxBytes: number): Promise<Buffer> {
  if (io.stdin.isTTY) {
    throw new UsageError('no input: give a file, or pipe the message into stdin');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > maxBytes) throw tooLarge('stdin', maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * GETs an http(s) URL, following redirects, with a timeout over the whole exchange and a cap on the
 * body (Content-Length checked first, then the bytes as they arrive).
 */
async function fetchBytes(url: string, limits: ReadLimits): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${url} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`only http and https URLs can be fetched, not ${parsed.protocol}`);
  }
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (error: unknown): Error => {
    if (error instanceof CliError || error instanceof SamlError) return error;
    if (signal.aborted) {
      return new CliError(
        'METADATA_FETCH_FAILED',
        `${parsed.href} did not answer within ${timeoutMs / 1000} s. Check the URL, or raise --timeout.`,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new CliError(
      'METADATA_FETCH_FAILED',
      `${parsed.href} could not be fetched (${cause?.code ?? cause?.message ?? (error as Error).message}).`,
    );
  };
  try {
    const response = await fetch(parsed, {
      signal,
      redirect: 'follow',
      headers: { accept: 'application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1' },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new CliError(
        'METADATA_FETCH_FAILED',
        `${parsed.href} answered HTTP ${response.status}. Check the URL (for Entra: the App Federation Metadata URL of the application).`,
      );
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (length > limits.maxBytes) {
      await response.body?.cancel();
      throw tooLarge(parsed.href, limits.maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        total += chunk.length;
        if (total > limits.maxBytes) {
          await response.body.cancel().catch(() => {});
          throw tooLarge(parsed.href, limits.maxBytes);
        }
        chunks.push(chunk);
      }
    }
    return Buffer.concat(chunks);
  } catch (error) {
    throw failed(error);
  }
}

function tooLarge(what: string, maxBytes: number): CliError {
  return new CliError('INPUT_TOO_LARGE', `${what} is larger than the ${maxBytes} bytes accepted.`);
}

/** `--timeout <seconds>` as milliseconds; a UsageError unless it is a positive number up to 300. */
export function timeoutOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
    throw new UsageError('--timeout must be a number of seconds between 0 and 300');
  }
  return seconds * 1000;
}

/** Pretty JSON and a newline: what the verify commands print, success or failure. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The JSON of a refusal: the code to branch on, and the message saying what to check. */
export function failureJson(error: SamlError | CliError, hint?: string): Record<string, unknown> {
  const result: Record<string, unknown> = {
    ok: false,
    code: error.code,
    message: hint ? `${error.message} ${hint}` : error.message,
  };
  // The detail a server would keep for its sign-in log; here the person debugging is the admin.
  if (error instanceof SamlError && error.detail) result.detail = error.detail;
  return result;
}
