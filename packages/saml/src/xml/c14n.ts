import type { Attr, Element, Node } from '@xmldom/xmldom';
import { CDATA_SECTION_NODE, ELEMENT_NODE, PROCESSING_INSTRUCTION_NODE, TEXT_NODE } from './parse.ts';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface C14nOptions {
  /** A descendant left out with its subtree: the enveloped-signature transform (XML-DSig §6.6.4). */
  exclude?: Element | null;
  /** InclusiveNamespaces PrefixList (Exc-C14N §3); `#default` names the default namespace. */
  inclusivePrefixes?: readonly string[];
}

/**
 * Exclusive XML Canonicalization 1.0 without comments (https://www.w3.org/TR/xml-exc-c14n/) of the
 * subtree rooted at `element`. Namespace declarations are emitted where a prefix is visibly used and
 * the nearest output ancestor did not already declare it with the same URI; attributes are sorted by
 * namespace URI then local name; text and attribute values are escaped per C14N 1.0 §2.3.
 *
 * Differentially tested against xml-crypto and xmlsec1 (test/c14n.test.ts). The output is also a
 * well-formed serialization, which is how `serialize()` writes the documents we build.
 *
 * @example
 * const digest = createHash('sha256').update(canonicalize(assertion, { exclude: signature })).digest('base64');
 */
export function canonicalize(element: Element, options: C14nOptions = {}): string {
  const out: string[] = [];
  const inclusive = options.inclusivePrefixes ?? [];
  writeElement(element, new Map(), options.exclude ?? null, inclusive, out);
  return out.join('');
}

function writeElement(
  element: Element,
  rendered: ReadonlyMap<string, string>,
  exclude: Element | null,
  inclusive: readonly string[],
  out: string[],
): void {
  const attributes: Attr[] = [];
  const used = new Map<string, string>();
  const elementPrefix = element.prefix ?? '';
  used.set(elementPrefix, element.namespaceURI ?? '');
  const list = element.attributes;
  for (let i = 0; i < list.length; i++) {
    const attribute = list.item(i)!;
    if (attribute.namespaceURI === XMLNS_NS) continue;
    attributes.push(attribute);
    const prefix = attribute.prefix;
    if (prefix && prefix !== 'xml') used.set(prefix, attribute.namespaceURI ?? '');
  }
  for (const token of inclusive) {
    const prefix = token === '#default' ? '' : token;
    if (used.has(prefix)) continue;
    const uri = lookupNamespace(element, prefix);
    if (uri !== null) used.set(prefix, uri);
  }

  let scope: Map<string, string> | null = null;
  const declarations: Array<[string, string]> = [];
  for (const [prefix, uri] of used) {
    if (prefix === 'xml') continue;
    const current = rendered.get(prefix) ?? '';
    if (current === uri) continue;
    // An undeclared default namespace needs no `xmlns=""` unless an output ancestor set one.
    declarations.push([prefix, uri]);
    scope ??= new Map(rendered);
    scope.set(prefix, uri);
  }
  declarations.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  attributes.sort(compareAttributes);

  out.push('<', element.nodeName);
  for (const [prefix, uri] of declarations) {
    out.push(prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`, escapeAttribute(uri), '"');
  }
  for (const attribute of attributes) {
    out.push(' ', attribute.name, '="', escapeAttribute(attribute.value), '"');
  }
  out.push('>');
  const childScope = scope ?? rendered;
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    switch (child.nodeType) {
      case ELEMENT_NODE:
        if (child !== exclude) writeElement(child as Element, childScope, exclude, inclusive, out);
        break;
      case TEXT_NODE:
      case CDATA_SECTION_NODE:
        out.push(escapeText(child.nodeValue ?? ''));
        break;
      case PROCESSING_INSTRUCTION_NODE: {
        const data = child.nodeValue ?? '';
        out.push('<?', child.nodeName, data ? ` ${data}` : '', '?>');
        break;
      }
      // Comments are dropped: this is c14n *without* comments.
    }
  }
  out.push('</', element.nodeName, '>');
}

function compareAttributes(a: Attr, b: Attr): number {
  const an = a.namespaceURI ?? '';
  const bn = b.namespaceURI ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const al = a.localName ?? a.name;
  const bl = b.localName ?? b.name;
  return al < bl ? -1 : al > bl ? 1 : 0;
}

/** The namespace URI bound to `prefix` in scope at `element`, from the xmlns attributes of the tree. */
export function lookupNamespace(element: Element, prefix: string): string | null {
  if (prefix === 'xml') return XML_NS;
  for (let node: Node | null = element; node && node.nodeType === ELEMENT_NODE; node = node.parentNode) {
    const el = node as Element;
    if ((el.prefix ?? '') === prefix && el.namespaceURI) return el.namespaceURI;
    const declaration =
      prefix === '' ? el.getAttributeNode('xmlns') : el.getAttributeNodeNS(XMLNS_NS, prefix);
    if (declaration) return declaration.value;
  }
  return null;
}

function escapeText(text: string): string {
  if (!/[&<>\r]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttribute(value: string): string {
  if (!/[&<"\t\n\r]/.test(value)) return value;
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}
