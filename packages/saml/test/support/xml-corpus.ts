/**
 * A seeded generator of XML documents that stress exclusive canonicalization: nested elements with
 * random prefixes and default namespaces, redeclarations (same and other URI) and undeclarations,
 * unused declarations, xml:lang / xml:space, attributes in namespaces, markup-significant characters
 * and \r \t \n in text and attribute values (as character references, so parsers keep them), CDATA,
 * comments, processing instructions and non-ASCII text. Deterministic for a given seed.
 */

export interface CorpusCase {
  seed: number;
  xml: string;
  /** Child-element indexes from the root to the element canonicalized (`[]`: the root). */
  apex: number[];
  /** Child-element indexes from the apex to an element left out (the enveloped transform), or null. */
  exclude: number[] | null;
  /** InclusiveNamespaces PrefixList (`#default` for the default namespace). */
  inclusive: string[];
}

/**
 * Which reference implementation the corpus is for; each leaves out only what that peer cannot take:
 * - `xml-crypto` (xml-crypto 6): no processing instructions (it writes their data as text), no
 *   `#default` in the PrefixList (ignored), no PrefixList entry equal to an attribute's local name
 *   (it mistakes `p:a="…"` for a declaration of `a`), and no namespace URI that is a prefix of another
 *   (its attribute sort compares URI+localName concatenated);
 * - `lxml` (libxml2 through lxml): no `#default` in the PrefixList (lxml drops prefixes its parser has
 *   not seen), and the apex is the root when there is a PrefixList (lxml copies a subtree out first);
 * - `xmlsec1` (libxml2 through a signature): the apex is the root and nothing is excluded (the
 *   signature appended to the root is the excluded element); `#default` allowed.
 */
export type CorpusProfile = 'xml-crypto' | 'lxml' | 'xmlsec1';

const PREFIXES = ['a', 'b', 'ns1', 'ds', 'saml', 'x'];
// Prefixes that are not also attribute local names (see `xml-crypto` above).
const PREFIXES_NOT_ATTRIBUTE_NAMES = ['ns1', 'ds', 'saml', 'x'];
const SAFE_URIS = [
  'urn:x:one',
  'urn:x:two',
  'http://example.com/ns/a',
  'http://example.com/ns/b',
  'urn:oasis:names:tc:SAML:2.0:assertion',
  'http://www.w3.org/2000/09/xmldsig#',
];
// URIs that are prefixes of others (and of SAFE_URIS). libxml2 refuses namespace URIs with characters
// that c14n escapes (< " and whitespace are not URI characters), so there are none here.
const HARD_URIS = ['urn:x', 'urn:x:one:more', 'http://example.com/ns/'];
const ELEMENT_NAMES = ['e', 'item', 'Assertion', 'b', 'z9', 'Value'];
const ATTRIBUTE_NAMES = ['a', 'b', 'Name', 'z', 'lang', 'Format', 'c1'];
const TEXT_PIECES = [
  'a',
  'B',
  ' ',
  '  ',
  '&',
  '<',
  '>',
  '"',
  "'",
  '\r',
  '\n',
  '\t',
  '\r\n',
  ']]>',
  'é',
  '中',
  '😀',
  'x y',
  '=',
  '#',
];
const PI_TARGETS = ['pi', 'app', 'xml-stylesheet'];

/** mulberry32: a small, well-distributed 32-bit PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapeAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** One document of the corpus. */
export function generateCase(seed: number, profile: CorpusProfile): CorpusCase {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const chance = (p: number) => random() < p;
  const uris = profile === 'xml-crypto' ? SAFE_URIS : [...SAFE_URIS, ...HARD_URIS];
  const text = (max: number) => Array.from({ length: 1 + int(max) }, () => pick(TEXT_PIECES)).join('');
  const safeText = (max: number, forbidden: RegExp) => text(max).replace(forbidden, '_');

  // Element paths, to choose an apex and an excluded element afterwards.
  const paths: number[][] = [];

  function element(scope: ReadonlyMap<string, string>, depth: number, path: number[]): string {
    paths.push(path);
    const declarations = new Map<string, string>();
    const count = int(3);
    for (let i = 0; i < count; i++) {
      if (chance(0.25)) declarations.set('', chance(0.2) && scope.has('') ? '' : pick(uris));
      else declarations.set(pick(PREFIXES), pick(uris));
    }
    const inScope = new Map(scope);
    for (const [prefix, uri] of declarations) inScope.set(prefix, uri);
    const prefixed = [...inScope.keys()].filter((p) => p !== '' && inScope.get(p) !== '');
    const prefix = prefixed.length > 0 && chance(0.5) ? pick(prefixed) : '';
    const name = (prefix ? `${prefix}:` : '') + pick(ELEMENT_NAMES);

    const parts = [`<${name}`];
    for (const [p, uri] of declarations)
      parts.push(` ${p ? `xmlns:${p}` : 'xmlns'}="${escapeAttribute(uri)}"`);
    const expanded = new Set<string>();
    const attributeCount = int(4);
    for (let i = 0; i < attributeCount; i++) {
      let attributePrefix = '';
      if (chance(0.15)) attributePrefix = 'xml';
      else if (prefixed.length > 0 && chance(0.4)) attributePrefix = pick(prefixed);
      const local = attributePrefix === 'xml' ? pick(['lang', 'space']) : pick(ATTRIBUTE_NAMES);
      const uri = attributePrefix === 'xml' ? 'xml' : (inScope.get(attributePrefix) ?? '');
      const key = `${attributePrefix === '' ? '' : uri} ${local}`;
      if (expanded.has(key)) continue; // Namespaces in XML §6.3: no duplicate expanded names
      expanded.add(key);
      const value = attributePrefix === 'xml' && local === 'space' ? pick(['preserve', 'default']) : text(6);
      parts.push(` ${attributePrefix ? `${attributePrefix}:` : ''}${local}="${escapeAttribute(value)}"`);
    }
    parts.push('>');

    const childCount = depth >= 6 ? 0 : int(depth < 3 ? 7 : 4);
    let elementIndex = 0;
    for (let i = 0; i < childCount; i++) {
      const kind = random();
      if (kind < 0.5) parts.push(element(inScope, depth + 1, [...path, elementIndex++]));
      else if (kind < 0.75) parts.push(escapeText(text(8)));
      else if (kind < 0.83) parts.push(`<![CDATA[${safeText(6, /]]>/g)}]]>`);
      else if (kind < 0.91) parts.push(`<!--${safeText(6, /-/g)}-->`);
      else if (profile !== 'xml-crypto') {
        const data = chance(0.2) ? '' : ` ${safeText(5, /\?>/g).replace(/^\s+/, '')}`;
        parts.push(`<?${pick(PI_TARGETS)}${data}?>`);
      }
    }
    parts.push(`</${name}>`);
    return parts.join('');
  }

  const xml = element(new Map(), 0, []);
  const inclusive: string[] = [];
  if (chance(profile === 'xmlsec1' ? 0.8 : 0.4)) {
    const list =
      profile === 'xml-crypto'
        ? PREFIXES_NOT_ATTRIBUTE_NAMES
        : profile === 'lxml'
          ? PREFIXES
          : [...PREFIXES, '#default', '#default'];
    for (const prefix of new Set(list.filter(() => chance(0.3)))) inclusive.push(prefix);
  }
  const rootApex = profile === 'xmlsec1' || (profile === 'lxml' && inclusive.length > 0);
  const apex = rootApex ? [] : pick(paths);
  const below = paths.filter((p) => p.length > apex.length && apex.every((v, i) => p[i] === v));
  const exclude =
    profile !== 'xmlsec1' && below.length > 0 && chance(0.4) ? pick(below).slice(apex.length) : null;
  return { seed, xml, apex, exclude, inclusive };
}

/** `count` cases from consecutive seeds. */
export function generateCorpus(firstSeed: number, count: number, profile: CorpusProfile): CorpusCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(firstSeed + i, profile));
}
