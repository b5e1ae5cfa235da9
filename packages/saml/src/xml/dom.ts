import type { Element, Node } from '@xmldom/xmldom';
import { SamlError, type SamlErrorCode } from '../errors.ts';
import { CDATA_SECTION_NODE, ELEMENT_NODE, TEXT_NODE } from './parse.ts';

/** Element children of `parent`, optionally only those named {namespace}localName. */
export function childElements(parent: Node, namespace?: string, localName?: string): Element[] {
  const found: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== ELEMENT_NODE) continue;
    const element = child as Element;
    if (namespace !== undefined && element.namespaceURI !== namespace) continue;
    if (localName !== undefined && element.localName !== localName) continue;
    found.push(element);
  }
  return found;
}

/** The one child {namespace}localName, `null` when absent; more than one is an error with `code`. */
export function optionalChild(
  parent: Node,
  namespace: string,
  localName: string,
  code: SamlErrorCode = 'XML_SCHEMA_INVALID',
): Element | null {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1)
    throw new SamlError(code, `The XML has more than one ${localName} where one is allowed.`);
  return found[0] ?? null;
}

/** The one child {namespace}localName; absent or repeated is an error with `code`. */
export function requiredChild(
  parent: Node,
  namespace: string,
  localName: string,
  code: SamlErrorCode = 'XML_SCHEMA_INVALID',
): Element {
  const found = optionalChild(parent, namespace, localName, code);
  if (!found) throw new SamlError(code, `The XML has no ${localName} where one is required.`);
  return found;
}

export function isElement(node: Node | null, namespace: string, localName: string): node is Element {
  return (
    node !== null &&
    node.nodeType === ELEMENT_NODE &&
    (node as Element).namespaceURI === namespace &&
    (node as Element).localName === localName
  );
}

/**
 * The text of an element: every descendant text and CDATA node joined, comments and processing
 * instructions skipped. So `user@evil.com<!---->.attacker.com` reads as the whole string and never
 * as its first text node (the comment-truncation attack on NameID).
 */
export function textOf(element: Node): string {
  let text = '';
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) text += child.nodeValue ?? '';
    else if (child.nodeType === ELEMENT_NODE) text += textOf(child);
  }
  return text;
}

/** The value of an unqualified attribute, `null` when absent. */
export function attr(element: Element, name: string): string | null {
  const attribute = element.getAttributeNode(name);
  return attribute && !attribute.namespaceURI ? attribute.value : null;
}

export function requiredAttr(
  element: Element,
  name: string,
  code: SamlErrorCode = 'XML_SCHEMA_INVALID',
): string {
  const value = attr(element, name);
  if (value === null || value === '') {
    throw new SamlError(code, `The ${element.localName} element has no ${name} attribute.`);
  }
  return value;
}

/** Every element in the subtree of `root` (itself included) named {namespace}localName, in document order. */
export function descendants(root: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isElement(node, namespace, localName)) found.push(node);
    for (let child = node.lastChild; child; child = child.previousSibling) {
      if (child.nodeType === ELEMENT_NODE) stack.push(child);
    }
  }
  return found;
}
