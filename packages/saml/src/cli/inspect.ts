import { existsSync } from 'node:fs';
import type { Element } from '@xmldom/xmldom';
import { decodeBase64Strict, decodeUtf8, percentDecode } from '../bindings/encoding.ts';
import { decodeMessageText } from '../bindings/http-post.ts';
import { decodeRedirect, rawQuery } from '../bindings/http-redirect.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import { METADATA_LIMITS, parseXml } from '../xml/parse.ts';
import { type Command, onePositional } from './command.ts';
import { MAX_INPUT_BYTES, readSource } from './io.ts';
import { prettyXml } from './pretty.ts';
import { describeSignatures } from './signatures.ts';

/**
 * `federa-saml inspect [file|-]`: decodes a SAML message the way a browser carries it (raw XML, a
 * POST value in base64, URL-encoded, a deflated HTTP-Redirect query string or a whole URL), says what
 * it is and what each signature is placed on and covers, and prints the XML indented. Read-only: it
 * verifies nothing (verify-response does).
 */
export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'federa-saml inspect [file|-|message]',
  summary: 'decode a SAML message (XML, base64, redirect URL), show its signatures and the XML',
  help: `Reads the message from the file, from stdin when the file is - or absent, or from the argument
itself when it is a redirect URL or query string, XML or a long base64 value. Accepted forms:
raw XML; the base64 value of a SAMLResponse/SAMLRequest form field (URL-encoded or not); a form body
SAMLResponse=...&RelayState=...; an HTTP-Redirect query string or whole URL (SAMLRequest=... deflated).
Prints the message type, how it was encoded, each signature (where it sits, what it covers, whether
Federa accepts its position and algorithms) and the XML, indented. Nothing is verified.

Example:
  federa-saml inspect 'https://idp.example/saml2?SAMLRequest=fZJBT...'
  pbpaste | federa-saml inspect`,
  options: {},
  async run(_values, positionals, io) {
    const source = onePositional(positionals, 'file', '-');
    const input = isMessageText(source)
      ? source
      : await readSource(source, io, { maxBytes: MAX_INPUT_BYTES });
    const xml = decodeMessageText(input);
    const { root, ids } = parseXml(xml, METADATA_LIMITS);

    const lines = [`Message: ${root.tagName}${idOf(root)}`];
    for (const line of summary(root)) lines.push(`  ${line}`);
    lines.push(...encoding(input).map((line, i) => (i === 0 ? `Encoding: ${line}` : `  ${line}`)));
    const signatures = describeSignatures(root, ids);
    if (signatures.length === 0) lines.push('Signatures: none in the XML');
    for (const signature of signatures) {
      lines.push(signature.headline, ...signature.details.map((d) => `  ${d}`));
    }
    lines.push(
      '(inspect describes the message and verifies nothing: use verify-response or verify-metadata for that)',
      '',
    );
    io.stdout.write(`${lines.join('\n')}\n${prettyXml(root)}`);
    return 0;
  },
};

/** An argument that is the message itself rather than a file name (a URL here is decoded, never fetched). */
function isMessageText(argument: string): boolean {
  if (/(?:^|[?&])(SAMLRequest|SAMLResponse)=/.test(argument) || /^\s*</.test(argument)) return true;
  return argument.length >= 64 && /^[A-Za-z0-9+/=%\s]+$/.test(argument) && !existsSync(argument);
}

function idOf(element: Element): string {
  const id = attr(element, 'ID');
  return id === null ? '' : ` ID=${id}`;
}

const SHOWN_ATTRIBUTES = [
  'IssueInstant',
  'Destination',
  'InResponseTo',
  'AssertionConsumerServiceURL',
  'ProtocolBinding',
  'entityID',
  'validUntil',
];

/** The few facts a person debugging looks for first. */
function summary(root: Element): string[] {
  const lines: string[] = [];
  for (const name of SHOWN_ATTRIBUTES) {
    const value = attr(root, name);
    if (value !== null) lines.push(`${name}: ${value}`);
  }
  const issuer = childElements(root, NS.assertion, 'Issuer')[0];
  if (issuer) lines.push(`Issuer: ${textOf(issuer).trim()}`);
  const status = childElements(root, NS.protocol, 'Status')[0];
  if (status) {
    const codes: string[] = [];
    for (let code = optionalChild(status, NS.protocol, 'StatusCode'); code; ) {
      codes.push((attr(code, 'Value') ?? '').replace(/^urn:oasis:names:tc:SAML:2\.0:status:/, ''));
      code = childElements(code, NS.protocol, 'StatusCode')[0] ?? null;
    }
    const message = childElements(status, NS.protocol, 'StatusMessage')[0];
    lines.push(`Status: ${codes.join(' / ') || '(none)'}${message ? ` (${textOf(message).trim()})` : ''}`);
  }
  for (const child of childElements(root, NS.assertion)) {
    if (child.localName === 'Assertion') lines.push(`Assertion${idOf(child)}`);
    if (child.localName === 'EncryptedAssertion') lines.push('EncryptedAssertion (contents not shown)');
  }
  return lines;
}

/** How the input was carried, as far as can be told (informational: decodeMessageText decoded it). */
function encoding(input: string): string[] {
  const text = input.trim();
  if (/^\uFEFF?\s*</.test(text)) return ['raw XML'];
  if (/(?:^|[?&])(SAMLRequest|SAMLResponse)=/.test(text)) {
    try {
      const decoded = decodeRedirect(text.includes('?') ? rawQuery(text) : text, {
        maxEncodedBytes: MAX_INPUT_BYTES,
      });
      const lines = [
        `HTTP-Redirect ${decoded.parameter} (DEFLATE, base64, URL-encoded; SAML Bindings §3.4.4)`,
      ];
      if (decoded.relayState !== null) lines.push(`RelayState: ${JSON.stringify(decoded.relayState)}`);
      lines.push(
        decoded.signature
          ? `query signature: SigAlg ${decoded.signature.algorithm.replace(/^.*#/, '')} over "${decoded.signature.signedOctets.replace(/=[^&]*/g, '=…')}" (not verified here)`
          : 'query signature: none',
      );
      return lines;
    } catch {
      return ['HTTP-POST form body (base64; SAML Bindings §3.5.4)'];
    }
  }
  try {
    const bytes = decodeBase64Strict(/%[0-9A-Fa-f]{2}/.test(text) ? percentDecode(text, false) : text);
    const direct = decodeUtf8(bytes);
    if (/^\uFEFF?\s*</.test(direct)) return ['base64 (an HTTP-POST form value; SAML Bindings §3.5.4)'];
  } catch {
    // not UTF-8 XML once decoded: the DEFLATE case below
  }
  return ['base64 of DEFLATE (an HTTP-Redirect value without its URL; SAML Bindings §3.4.4.1)'];
}
