import { inflateRawSync } from 'node:zlib';
import { SamlError } from '../errors.ts';

/**
 * The byte-level decoding shared by the bindings: strict base64, strict UTF-8 and capped inflate.
 * Each refuses what it cannot decode exactly, so that two parties can never read one message two ways.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes base64 strictly: only the base64 alphabet, padding at the end, and whitespace (line breaks
 * that some senders insert every 64 or 76 characters). Node's own decoder would silently skip
 * anything else, which lets two parsers disagree about the bytes.
 *
 * @example
 * decodeBase64Strict('PHNhbWxwOkF1dGhuUmVxdWVzdC8+'); // Buffer '<samlp:AuthnRequest/>'
 */
export function decodeBase64Strict(text: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact === '' || !BASE64.test(compact) || compact.length % 4 === 1) {
    throw new SamlError('INPUT_ENCODING_INVALID', 'The message is not valid base64.');
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Decodes UTF-8, refusing invalid sequences (instead of replacing them with U+FFFD, which would make
 * a signed and a displayed value differ). A byte order mark is dropped.
 *
 * @example
 * decodeUtf8(Buffer.from('<a/>')); // '<a/>'
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new SamlError('INPUT_ENCODING_INVALID', 'The message is not valid UTF-8.');
  }
}

/**
 * Inflates raw DEFLATE (RFC 1951, as SAML Bindings §3.4.4.1 prescribes) with a hard cap on the output:
 * zlib stops as soon as the cap is passed, so a deflate bomb costs at most `maxBytes` of work.
 *
 * @example
 * inflateCapped(deflateRawSync('<a/>'), 1024).toString(); // '<a/>'
 */
export function inflateCapped(bytes: Uint8Array, maxBytes: number): Buffer {
  try {
    return inflateRawSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SamlError(
        'INPUT_TOO_LARGE',
        `The message inflates to more than the ${maxBytes} bytes accepted.`,
      );
    }
    throw new SamlError('INPUT_ENCODING_INVALID', 'The message is not valid DEFLATE data.');
  }
}

/**
 * Percent-decodes one query-string value. `plusIsSpace` follows HTML form encoding; it is off for
 * base64 values, where a literal '+' (sent unencoded by some peers) can only mean '+'.
 */
export function percentDecode(raw: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    throw new SamlError('INPUT_ENCODING_INVALID', 'The query string has an invalid percent-encoding.');
  }
}
