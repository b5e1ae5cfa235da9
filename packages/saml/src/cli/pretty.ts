import type { Element, Node } from '@xmldom/xmldom';
import {
  CDATA_SECTION_NODE,
  COMMENT_NODE,
  ELEMENT_NODE,
  PROCESSING_INSTRUCTION_NODE,
  TEXT_NODE,
} from '../xml/parse.ts';

/**
 * Indents a parsed document for reading. Display only: it drops the whitespace between elements, so
 * its output is not what was signed. Everything else is shown as it is, comments and CDATA included,
 * so that `user@example.com<!---->.evil.com` in a NameID stays visible; an element holding only
 * text (and comments) stays on one line.
 *
 * @example
 * prettyXml(parseXml(xml).root); // '<samlp:Response …>\n  <saml:Issuer>…</saml:Issuer>\n…'
 */
export function prettyXml(root: Element, indent = '  '): string {
  const lines: string[] = [];
  writeNode(root, 0, indent, lines);
  return `${lines.join('\n')}\n`;
}

function writeNode(node: Node, depth: number, indent: string, lines: string[]): void {
  const pad = indent.repeat(depth);
  if (node.nodeType !== ELEMENT_NODE) {
    const text = inline(node);
    if (node.nodeType !== TEXT_NODE || text.trim() !== '') lines.push(pad + text);
    return;
  }
  const element = node as Element;
  const open = `<${element.tagName}${attributes(element)}`;
  if (!element.firstChild) {
    lines.push(`${pad}${open}/>`);
    return;
  }
  let hasElementChild = false;
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) hasElementChild = true;
  }
  if (!hasElementChild) {
    let content = '';
    for (let child: Node | null = element.firstChild; child; child = child.nextSibling)
      content += inline(child);
    lines.push(`${pad}${open}>${content}</${element.tagName}>`);
    return;
  }
  lines.push(`${pad}${open}>`);
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    writeNode(child, depth + 1, indent, lines);
  }
  lines.push(`${pad}</${element.tagName}>`);
}

/** A non-element node as XML text. */
function inline(node: Node): string {
  const value = node.nodeValue ?? '';
  switch (node.nodeType) {
    case TEXT_NODE:
      return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case CDATA_SECTION_NODE:
      return `<![CDATA[${value}]]>`;
    case COMMENT_NODE:
      return `<!--${value}-->`;
    case PROCESSING_INSTRUCTION_NODE:
      return `<?${(node as Node & { target: string }).target} ${value}?>`;
    default:
      return '';
  }
}

function attributes(element: Element): string {
  let out = '';
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i)!;
    const value = attribute.value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/"/g, '&quot;')
      .replace(/\t/g, '&#9;')
      .replace(/\n/g, '&#10;')
      .replace(/\r/g, '&#13;');
    out += ` ${attribute.name}="${value}"`;
  }
  return out;
}
