import { NS } from '../../../src/xml/namespaces.ts';
import { child, edit } from '../xml-edit.ts';
import type { Builder } from './bases.ts';

/**
 * Resource-exhaustion documents: the genuine response with a samlp:Extensions (the schema's place for
 * anything) stuffed with too much. The large ones are built in the tests, not committed.
 */

const STATUS_OPEN = '<samlp:Status>';

/** Inserts `content` in a samlp:Extensions before Status (string-level: a DOM of 10⁶ nodes is the attack). */
export function withExtensions(xml: string, content: string, declarations = ''): string {
  if (!xml.includes(STATUS_OPEN)) throw new Error('fixture generator: no Status found');
  return xml.replace(
    STATUS_OPEN,
    `<samlp:Extensions${declarations}>${content}</samlp:Extensions>${STATUS_OPEN}`,
  );
}

/** `depth` nested elements inside Extensions (Response is depth 1, Extensions 2). */
export function nested(xml: string, depth: number): string {
  return withExtensions(
    xml,
    `${'<t:n>'.repeat(depth)}${'</t:n>'.repeat(depth)}`,
    ' xmlns:t="urn:federa:test"',
  );
}

/** `count` empty sibling elements inside Extensions. */
export function manyElements(xml: string, count: number): string {
  return withExtensions(xml, '<t:n/>'.repeat(count), ' xmlns:t="urn:federa:test"');
}

/** One element inside Extensions carrying `count` attributes: few tags, many nodes. */
export function manyAttributes(xml: string, count: number): string {
  const attributes = Array.from({ length: count }, (_, i) => ` a${i.toString(36)}=""`).join('');
  return withExtensions(xml, `<t:n${attributes}/>`, ' xmlns:t="urn:federa:test"');
}

/** A text node of `chars` characters inside Extensions, built with the DOM. */
export function oversized(xml: string, chars: number): string {
  return edit(xml, ({ document, response }) => {
    const extensions = document.createElementNS(NS.protocol, 'samlp:Extensions');
    extensions.appendChild(document.createTextNode('A'.repeat(chars)));
    response.insertBefore(extensions, child(response, NS.protocol, 'Status'));
  });
}

export const LIMIT_DOCUMENTS: Record<string, Builder> = {
  // 33 levels is one past the limit of 32; 40 leaves no doubt.
  'response.nesting-40-deep': ({ assertionSigned }) => nested(assertionSigned, 38),
};
