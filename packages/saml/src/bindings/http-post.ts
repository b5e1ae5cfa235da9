import { createHash } from 'node:crypto';
import { SamlError } from '../errors.ts';
import { DEFAULT_LIMITS } from '../xml/parse.ts';
import { decodeBase64Strict, decodeUtf8, inflateCapped, percentDecode } from './encoding.ts';
import { decodeRedirect, type MessageParameter, rawQuery } from './http-redirect.ts';

/** SAML Bindings §3.5: HTTP-POST. */

/**
 * The one script of the POST form page. It is constant, so a strict Content-Security-Policy can allow
 * it either by nonce (`postForm({ nonce })`) or by hash (`script-src 'sha256-…'`, see
 * `POST_FORM_SCRIPT_HASH`).
 */
export const POST_FORM_SCRIPT = "document.getElementById('federa-saml-post').submit();";

/** The CSP source expression for `POST_FORM_SCRIPT`, e.g. `script-src 'sha256-…'` (quote it in the header). */
export const POST_FORM_SCRIPT_HASH = `sha256-${createHash('sha256').update(POST_FORM_SCRIPT, 'utf8').digest('base64')}`;

export interface PostFormOptions {
  /** Where the browser posts the message: the peer's ACS or SLO endpoint. http(s) only. */
  action: string;
  parameter: MessageParameter;
  xml: string;
  relayState?: string | undefined;
  /** A CSP nonce for the auto-submit script; without one, allow it by `POST_FORM_SCRIPT_HASH`. */
  nonce?: string | undefined;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * The HTML page that sends `xml` by HTTP-POST (§3.5.4): a form posting the base64 message (and
 * RelayState) to `action`, submitted by a script that a strict CSP can allow, with a visible button
 * for browsers without JavaScript. Every value is HTML-escaped; an action that is not an absolute
 * http(s) URL is refused with `BINDING_INVALID` (a `javascript:` action would run script).
 *
 * @example
 * reply.header('content-security-policy', `script-src '${POST_FORM_SCRIPT_HASH}'`)
 *   .type('text/html').send(postForm({ action: acsUrl, parameter: 'SAMLResponse', xml, relayState }));
 */
export function postForm(options: PostFormOptions): string {
  let url: URL;
  try {
    url = new URL(options.action);
  } catch {
    throw new SamlError('BINDING_INVALID', 'The POST destination is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SamlError('BINDING_INVALID', 'The POST destination must be an http or https URL.', {
      scheme: url.protocol,
    });
  }
  const message = Buffer.from(options.xml, 'utf8').toString('base64');
  const nonce = options.nonce === undefined ? '' : ` nonce="${escapeHtml(options.nonce)}"`;
  const relayState =
    options.relayState === undefined
      ? ''
      : `\n<input type="hidden" name="RelayState" value="${escapeHtml(options.relayState)}">`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Continue signing in</title>
</head>
<body>
<form id="federa-saml-post" method="post" action="${escapeHtml(url.href)}">
<input type="hidden" name="${escapeHtml(options.parameter)}" value="${message}">${relayState}
<p>Continue to complete this step.</p>
<button type="submit">Continue</button>
</form>
<script${nonce}>${POST_FORM_SCRIPT}</script>
</body>
</html>
`;
}

export interface DecodePostOptions {
  /** Characters of the base64 form value accepted (checked before decoding). */
  maxEncodedBytes?: number;
  /**
   * Also accept a DEFLATE-compressed message, which §3.5.4 does not allow but node-saml (passport-saml)
   * SPs send by default for POST AuthnRequests. Inflation is capped by `maxInflatedBytes`.
   */
  allowDeflate?: boolean;
  /** Bytes a deflated message may inflate to. Default: the parser's character limit. */
  maxInflatedBytes?: number;
}

const DEFAULT_MAX_POST = 512 * 1024;

/**
 * Decodes the `SAMLRequest` / `SAMLResponse` form value of an HTTP-POST message (§3.5.4): strict
 * base64 (only whitespace tolerated besides the alphabet: `INPUT_ENCODING_INVALID`), strict UTF-8,
 * size capped before decoding (`INPUT_TOO_LARGE`). With `allowDeflate`, a compressed message is
 * inflated under the cap.
 *
 * @example
 * const xml = decodePost(request.body.SAMLResponse);
 */
export function decodePost(value: string, options: DecodePostOptions = {}): string {
  const max = options.maxEncodedBytes ?? DEFAULT_MAX_POST;
  if (value.length > max) {
    throw new SamlError(
      'INPUT_TOO_LARGE',
      `The posted message is longer than the ${max} characters accepted.`,
    );
  }
  const bytes = decodeBase64Strict(value);
  if (!options.allowDeflate) return decodeUtf8(bytes);
  const text = startsLikeXml(bytes) ? decodeUtf8OrNull(bytes) : null;
  return text ?? decodeUtf8(inflateCapped(bytes, options.maxInflatedBytes ?? DEFAULT_LIMITS.maxChars));
}

/** Whether the bytes open like XML: an optional UTF-8 BOM and whitespace, then '<'. */
function startsLikeXml(bytes: Uint8Array): boolean {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    at < bytes.length &&
    (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)
  )
    at++;
  return bytes[at] === 0x3c;
}

const MAX_PASTED = 4 * 1024 * 1024;

function looksLikeXml(text: string): boolean {
  return /^\uFEFF?\s*</.test(text);
}

/** Base64 that decodes to XML, or to raw DEFLATE of XML (an HTTP-Redirect message). */
function fromBase64(text: string): string {
  const bytes = decodeBase64Strict(text);
  const direct = decodeUtf8OrNull(bytes);
  if (direct !== null && looksLikeXml(direct)) return direct;
  const inflated = decodeUtf8(inflateCapped(bytes, DEFAULT_LIMITS.maxChars));
  if (!looksLikeXml(inflated))
    throw new SamlError('INPUT_ENCODING_INVALID', 'The message does not decode to XML.');
  return inflated;
}

function decodeUtf8OrNull(bytes: Uint8Array): string | null {
  try {
    return decodeUtf8(bytes);
  } catch {
    return null;
  }
}

/**
 * The XML of a SAML message as a person pastes it when debugging: raw XML; base64 (a POST value);
 * URL-encoded base64; deflated base64 (a Redirect value); a whole Redirect URL or query string; or a
 * form body `SAMLResponse=…&RelayState=…`. Returns the XML text, not parsed; refuses anything else
 * with `INPUT_ENCODING_INVALID`, and input over the caps with `INPUT_TOO_LARGE`.
 *
 * @example
 * decodeMessageText('https://idp.example/saml2?SAMLRequest=fZJNT…'); // '<samlp:AuthnRequest …'
 * decodeMessageText('PHNhbWxwOlJlc3BvbnNl…'); // '<samlp:Response …'
 */
export function decodeMessageText(input: string): string {
  if (input.length > MAX_PASTED) {
    throw new SamlError(
      'INPUT_TOO_LARGE',
      `The pasted message is longer than the ${MAX_PASTED} characters accepted.`,
    );
  }
  const text = input.trim();
  if (looksLikeXml(text)) return text.replace(/^\uFEFF/, '');

  const parameter = /(?:^|[?&])(SAMLRequest|SAMLResponse)=([^&#]*)/.exec(text);
  if (parameter) {
    const query = text.includes('?') ? rawQuery(text) : text;
    try {
      // A Redirect URL or query string (deflated).
      return decodeRedirect(query, { maxEncodedBytes: MAX_PASTED }).xml;
    } catch (error) {
      if (error instanceof SamlError && error.code === 'INPUT_TOO_LARGE') throw error;
      // A form body: base64 without DEFLATE, form-encoded.
      return fromBase64(percentDecode(parameter[2]!, false));
    }
  }
  return fromBase64(/%[0-9A-Fa-f]{2}/.test(text) ? percentDecode(text, false) : text);
}
