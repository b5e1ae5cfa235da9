import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';

/** What xmldom's SAX layer hands its DOM builder (the default builder is `new DOMParser().domHandler`). */
interface SaxAttributes {
  length: number;
}
interface DomBuilder {
  currentElement: Element;
  startElement(namespaceURI: string, localName: string, qName: string, attributes: SaxAttributes): void;
}
const DefaultDomBuilder = (new DOMParser() as unknown as { domHandler: new (options: object) => DomBuilder })
  .domHandler;

/**
 * Namespaces in XML §6.3: `a:x` and `b:x` with `a` and `b` bound to one URI are the same attribute
 * twice. xmldom keeps only the last of them (DOM setNamedItem replaces), so the duplicate check of
 * the tree walk below never saw the first: compare what the SAX layer read with what the element kept.
 */
class StrictDomBuilder extends DefaultDomBuilder {
  override startElement(namespaceURI: string, localName: string, qName: string, attributes: SaxAttributes) {
    super.startElement(namespaceURI, localName, qName, attributes);
    if (this.currentElement.attributes.length !== attributes.length) {
      throw new Error('An element repeats an attribute under two prefixes.');
    }
  }
}

export interface XmlLimits {
  /** Characters of XML text accepted before parsing (after base64 decoding / inflating). */
  maxChars: number;
  /** Element nesting depth. SAML responses are ~8 deep; metadata ~10. */
  maxDepth: number;
  /** Nodes (elements, attributes, text) in the whole document. */
  maxNodes: number;
}

export const DEFAULT_LIMITS: XmlLimits = { maxChars: 256 * 1024, maxDepth: 32, maxNodes: 20_000 };
export const METADATA_LIMITS: XmlLimits = { maxChars: 2 * 1024 * 1024, maxDepth: 32, maxNodes: 200_000 };

export interface ParsedXml {
  document: Document;
  root: Element;
  /** Every element carrying an `ID`, `Id` or `id` attribute, by value. Values are unique (checked). */
  ids: ReadonlyMap<string, Element>;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

/**
 * The one XML parser of Federa: everything (responses, requests, metadata, decrypted plaintext) goes
 * through it. It refuses DOCTYPE and entity declarations outright (XXE, billion laughs), unknown entity
 * references, duplicate attributes, a second root element or trailing content, and input beyond the
 * size, depth and node limits; it also refuses a document where two elements carry the same ID, so
 * that a signature Reference can only ever mean one element.
 *
 * @example
 * const { root } = parseXml(xmlText);
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_LIMITS): ParsedXml {
  if (text.length > limits.maxChars) {
    throw new SamlError(
      'INPUT_TOO_LARGE',
      `The XML is larger than the ${limits.maxChars} characters accepted.`,
    );
  }
  // A UTF-8 byte order mark (Entra's metadata starts with one) is not content.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // No DTD of any kind: '<!' may only open a comment or a CDATA section.
  for (let at = source.indexOf('<!'); at !== -1; at = source.indexOf('<!', at + 2)) {
    if (!source.startsWith('<!--', at) && !source.startsWith('<![CDATA[', at)) {
      throw new SamlError(
        'XML_DTD_FORBIDDEN',
        'The XML contains a DOCTYPE or entity declaration, which SAML never needs.',
      );
    }
  }
  // A cheap bound before building anything: every node needs at least one '<' or one attribute.
  let angles = 0;
  for (let at = source.indexOf('<'); at !== -1; at = source.indexOf('<', at + 1)) {
    if (++angles > limits.maxNodes) {
      throw new SamlError('XML_TOO_MANY_NODES', `The XML has more than ${limits.maxNodes} nodes.`);
    }
  }

  let document: Document;
  try {
    document = new DOMParser({
      domHandler: StrictDomBuilder,
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(source, 'text/xml');
  } catch {
    throw new SamlError('XML_MALFORMED', 'The XML is not well-formed.');
  }

  let root: Element | null = null;
  for (let child = document.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) {
      if (root) throw new SamlError('XML_MALFORMED', 'The XML has more than one root element.');
      root = child as Element;
    } else if (child.nodeType === TEXT_NODE) {
      if ((child.nodeValue ?? '').trim() !== '') {
        throw new SamlError('XML_MALFORMED', 'The XML has text outside its root element.');
      }
    } else if (child.nodeType !== COMMENT_NODE && child.nodeType !== PROCESSING_INSTRUCTION_NODE) {
      throw new SamlError(
        'XML_DTD_FORBIDDEN',
        'The XML contains a DOCTYPE or entity declaration, which SAML never needs.',
      );
    }
  }
  if (!root) throw new SamlError('XML_MALFORMED', 'The XML has no root element.');

  const ids = new Map<string, Element>();
  let nodes = 0;
  // Iterative walk: recursion depth is bounded by us, not by the input.
  const stack: Array<{ node: Node; depth: number }> = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > limits.maxDepth) {
      throw new SamlError('XML_TOO_DEEP', `The XML nests elements more than ${limits.maxDepth} deep.`);
    }
    const element = node as Element;
    const attributes = element.attributes;
    nodes += 1 + attributes.length;
    if (nodes > limits.maxNodes) {
      throw new SamlError('XML_TOO_MANY_NODES', `The XML has more than ${limits.maxNodes} nodes.`);
    }
    // Namespaces in XML §6.3: no two attributes with the same expanded name, even under two prefixes.
    const seen = attributes.length > 1 ? new Set<string>() : null;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes.item(i)!;
      if (seen) {
        const expanded = `${attribute.namespaceURI ?? ''} ${attribute.localName}`;
        if (seen.has(expanded)) throw new SamlError('XML_MALFORMED', 'An element repeats an attribute.');
        seen.add(expanded);
      }
      // Only unqualified ID / Id / id carry identity in SAML and XML-DSig (no DTD, no xml:id use).
      if (attribute.namespaceURI === null || attribute.namespaceURI === '') {
        const name = attribute.localName;
        if (name === 'ID' || name === 'Id' || name === 'id') {
          if (ids.has(attribute.value)) {
            throw new SamlError('XML_DUPLICATE_ID', 'Two elements in the XML carry the same ID.', {
              id: attribute.value,
            });
          }
          ids.set(attribute.value, element);
        }
      }
    }
    for (let child = node.lastChild; child; child = child.previousSibling) {
      if (child.nodeType === ELEMENT_NODE) stack.push({ node: child, depth: depth + 1 });
      else nodes++;
    }
  }
  return { document, root, ids };
}

export { CDATA_SECTION_NODE, COMMENT_NODE, ELEMENT_NODE, PROCESSING_INSTRUCTION_NODE, TEXT_NODE };
