import { DOMImplementation, type Document, type Element } from '@xmldom/xmldom';
import { canonicalize } from './c14n.ts';

/**
 * Building XML with a DOM, never with string templates (DESIGN.md baseline 10): a value can never
 * close an element or open a new one, whatever characters it holds.
 *
 * @example
 * const { root } = createDocument(NS.protocol, 'samlp:Response');
 * appendElement(root, NS.assertion, 'saml:Issuer', {}, issuer);
 */
export function createDocument(
  namespace: string,
  qualifiedName: string,
): { document: Document; root: Element } {
  const document = new DOMImplementation().createDocument(namespace, qualifiedName, null);
  return { document, root: document.documentElement! };
}

export function appendElement(
  parent: Element,
  namespace: string,
  qualifiedName: string,
  attributes: Record<string, string | undefined | null> = {},
  text?: string,
): Element {
  const element = parent.ownerDocument!.createElementNS(namespace, qualifiedName);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, value);
  }
  if (text !== undefined) element.appendChild(parent.ownerDocument!.createTextNode(text));
  parent.appendChild(element);
  return element;
}

/**
 * Writes a tree we built. The exclusive canonical form is itself well-formed XML with every namespace
 * declared where it is used, so what we sign is byte for byte what we send.
 */
export function serialize(root: Element): string {
  return canonicalize(root);
}
