import { type Document, type Element, XMLSerializer } from '@xmldom/xmldom';
import { childElements, descendants } from '../../src/xml/dom.ts';
import { NS } from '../../src/xml/namespaces.ts';
import { parseXml } from '../../src/xml/parse.ts';

/**
 * Tools to derive attack documents from a valid response by DOM manipulation, as an attacker holding
 * one genuine response would: parse it, move, copy and change elements, and write it back out.
 * Writing uses xmldom's XMLSerializer (not the canonical `serialize`), because several attacks rely
 * on what canonicalization drops (comments) or on exact prefixes.
 */

export interface Editable {
  document: Document;
  response: Element;
  /** The Assertion that is a direct child of the Response (throws when there is none). */
  readonly assertion: Element;
}

/**
 * Parses `xml`, lets `mutate` change the tree, and serializes the result.
 *
 * @example
 * const xml = edit(valid, ({ assertion }) => setText(nameIdOf(assertion), EVIL_NAME_ID));
 */
export function edit(xml: string, mutate: (doc: Editable) => void): string {
  const { document, root } = parseXml(xml);
  mutate({
    document,
    response: root,
    get assertion() {
      return child(root, NS.assertion, 'Assertion');
    },
  });
  return toXml(document);
}

export function toXml(document: Document): string {
  return new XMLSerializer().serializeToString(document);
}

/** The first direct child {namespace}localName of `parent`; throws when absent (a broken generator). */
export function child(parent: Element, namespace: string, localName: string): Element {
  const found = childElements(parent, namespace, localName)[0];
  if (!found) throw new Error(`fixture generator: no ${localName} under ${parent.localName}`);
  return found;
}

/** The first descendant {namespace}localName of `root`; throws when absent. */
export function first(root: Element, namespace: string, localName: string): Element {
  const found = descendants(root, namespace, localName)[0];
  if (!found) throw new Error(`fixture generator: no ${localName} in ${root.localName}`);
  return found;
}

/** The enveloped ds:Signature of `element` (its direct child). */
export function signatureOf(element: Element): Element {
  return child(element, NS.dsig, 'Signature');
}

/** A deep copy of `element` without its enveloped signature. */
export function copyWithoutSignature(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  const signature = childElements(copy, NS.dsig, 'Signature')[0];
  if (signature) copy.removeChild(signature);
  return copy;
}

export function setText(element: Element, text: string): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  element.appendChild(element.ownerDocument!.createTextNode(text));
}

/** The assertion's own Subject/NameID (not the first NameID below it: XSW6 hides a copy in the Signature). */
export function nameIdOf(assertion: Element): Element {
  return child(child(assertion, NS.assertion, 'Subject'), NS.assertion, 'NameID');
}

/** What an attacker does to the assertion they want accepted: become someone else, under a fresh ID. */
export function makeEvil(assertion: Element, id = '_evil_assertion_ID'): Element {
  assertion.setAttribute('ID', id);
  setText(nameIdOf(assertion), 'admin@contoso.com');
  return assertion;
}

/**
 * Replaces `element` by an element of the same qualified name in `namespace`, keeping its attributes
 * and children (the serializer then declares the prefix anew: a prefix or default namespace rebound).
 */
export function rebind(element: Element, namespace: string, deep = false): Element {
  const document = element.ownerDocument!;
  const replacement = document.createElementNS(namespace, element.nodeName);
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i)!;
    if (attribute.namespaceURI === NS.xmlns) continue;
    replacement.setAttributeNS(attribute.namespaceURI, attribute.name, attribute.value);
  }
  while (element.firstChild) {
    const node = element.firstChild;
    replacement.appendChild(node);
    if (deep && node.nodeType === 1 && (node as Element).namespaceURI === element.namespaceURI) {
      rebind(node as Element, namespace, true);
    }
  }
  element.parentNode!.replaceChild(replacement, element);
  return replacement;
}
