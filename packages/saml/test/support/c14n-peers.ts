import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Element as XmldomElement } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { appendElement, createDocument, serialize } from '../../src/xml/build.ts';
import { canonicalize } from '../../src/xml/c14n.ts';
import { childElements, descendants } from '../../src/xml/dom.ts';
import { NS } from '../../src/xml/namespaces.ts';
import { parseXml } from '../../src/xml/parse.ts';
import {
  C14N_EXCLUSIVE,
  DIGEST_ALGORITHM_URI,
  SIGNATURE_ALGORITHM_URI,
  TRANSFORM_ENVELOPED,
} from '../../src/xmldsig/algorithms.ts';
import { requireTool } from '../interop/support.ts';
import type { CorpusCase } from './xml-corpus.ts';

/**
 * The reference canonicalizers of test/c14n.test.ts, each fed a corpus case (support/xml-corpus.ts):
 * xml-crypto's ExclusiveCanonicalization on its own parser, libxml2's through lxml, and libxml2's
 * through xmlsec1 verifying a signature made over our canonical forms.
 */

// xml-crypto is fed by its own parser (xmldom 0.8, a different major version than ours).
const xmlCryptoRequire = createRequire(import.meta.resolve('xml-crypto'));
const { DOMParser: XmlCryptoParser } = xmlCryptoRequire('@xmldom/xmldom') as {
  DOMParser: new () => { parseFromString(text: string, type: string): { documentElement: XmldomElement } };
};

const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** The element reached from `root` by child-element indexes. */
export function elementAt(root: XmldomElement, path: readonly number[]): XmldomElement {
  let element = root;
  for (const index of path) element = childElements(element)[index]!;
  return element;
}

/** xml-crypto's exclusive c14n of the case, as its SignedXml would compute a Reference. */
export function xmlCrypto(c: CorpusCase): string {
  const root = new XmlCryptoParser().parseFromString(c.xml, 'text/xml').documentElement;
  const apex = elementAt(root, c.apex);
  // The enveloped-signature transform, as xml-crypto applies it: the node is removed first.
  if (c.exclude) {
    const excluded = elementAt(apex, c.exclude);
    excluded.parentNode!.removeChild(excluded);
  }
  // What xml-crypto's SignedXml passes for a PrefixList: the prefixes declared by the apex's ancestors
  // (nearest wins) and not redeclared by the apex itself; xml-crypto copies them onto the apex.
  const ancestorNamespaces: Array<{ prefix: string; namespaceURI: string }> = [];
  const seen = new Set<string>();
  for (
    let node: XmldomElement | null = apex;
    node && node.nodeType === 1;
    node = node.parentNode as XmldomElement | null
  ) {
    const attributes = node.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i)!;
      if (a.namespaceURI !== XMLNS || a.prefix !== 'xmlns' || seen.has(a.localName!)) continue;
      seen.add(a.localName!);
      if (node !== apex) ancestorNamespaces.push({ prefix: a.localName!, namespaceURI: a.value });
    }
  }
  return new ExclusiveCanonicalization().process(apex as never, {
    inclusiveNamespacesPrefixList: c.inclusive,
    ancestorNamespaces,
  }) as string;
}

// libxml2's exclusive c14n through lxml, for a whole batch in one process.
const LIBXML2_C14N = `
import json, sys
from lxml import etree
out = []
parser = etree.XMLParser(resolve_entities=False, remove_comments=False, remove_pis=False)
for case in json.load(sys.stdin):
    root = etree.fromstring(case["xml"].encode("utf-8"), parser)
    def at(element, path):
        for i in path:
            element = [c for c in element if isinstance(c.tag, str)][i]
        return element
    apex = at(root, case["apex"])
    if case["exclude"] is not None:
        excluded = at(apex, case["exclude"])
        parent, tail = excluded.getparent(), excluded.tail
        # Keep the text that follows the removed element (lxml stores it on the element).
        previous = excluded.getprevious()
        if tail:
            if previous is not None: previous.tail = (previous.tail or "") + tail
            else: parent.text = (parent.text or "") + tail
        parent.remove(excluded)
    prefixes = case["inclusive"] or None
    out.append(etree.tostring(apex, method="c14n", exclusive=True, with_comments=False,
                              inclusive_ns_prefixes=prefixes, with_tail=False).decode("utf-8"))
print(json.dumps(out))
`;

/** libxml2's exclusive c14n of every case (lxml, one Python process). */
export function libxml2(cases: readonly CorpusCase[]): string[] {
  const python = '/usr/bin/python3';
  assert.ok(
    existsSync(python),
    'missing /usr/bin/python3: install the Debian packages python3 and python3-lxml',
  );
  const run = spawnSync(python, ['-c', LIBXML2_C14N], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `lxml failed (install the Debian package python3-lxml): ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const PLACEHOLDER = 'SIGNATURE-VALUE-PLACEHOLDER';

/**
 * Signs the case's document with a signature whose digest and SignedInfo are canonicalized by OUR
 * code (URI="" with the enveloped transform, the case's PrefixList on both the Reference transform
 * and SignedInfo's CanonicalizationMethod) and asks xmlsec1 whether it verifies: it does only if
 * libxml2's canonical forms are byte-identical to ours. SignedInfo is canonicalized where it sits, a
 * subtree whose ancestors declare namespaces, which is where `#default` matters.
 */
export function signedByOurC14n(c: CorpusCase, privateKey: Parameters<typeof sign>[2]): string {
  const { root } = parseXml(c.xml);
  const digest = createHash('sha256')
    .update(canonicalize(root, { inclusivePrefixes: c.inclusive }))
    .digest('base64');
  const { root: signature } = createDocument(NS.dsig, 'ds:Signature');
  const signedInfo = appendElement(signature, NS.dsig, 'ds:SignedInfo');
  const withPrefixList = (parent: ReturnType<typeof appendElement>) => {
    if (c.inclusive.length > 0) {
      appendElement(parent, C14N_EXCLUSIVE, 'ec:InclusiveNamespaces', { PrefixList: c.inclusive.join(' ') });
    }
  };
  withPrefixList(
    appendElement(signedInfo, NS.dsig, 'ds:CanonicalizationMethod', { Algorithm: C14N_EXCLUSIVE }),
  );
  appendElement(signedInfo, NS.dsig, 'ds:SignatureMethod', {
    Algorithm: SIGNATURE_ALGORITHM_URI['rsa-sha256'],
  });
  const reference = appendElement(signedInfo, NS.dsig, 'ds:Reference', { URI: '' });
  const transforms = appendElement(reference, NS.dsig, 'ds:Transforms');
  appendElement(transforms, NS.dsig, 'ds:Transform', { Algorithm: TRANSFORM_ENVELOPED });
  withPrefixList(appendElement(transforms, NS.dsig, 'ds:Transform', { Algorithm: C14N_EXCLUSIVE }));
  appendElement(reference, NS.dsig, 'ds:DigestMethod', { Algorithm: DIGEST_ALGORITHM_URI.sha256 });
  appendElement(reference, NS.dsig, 'ds:DigestValue', {}, digest);
  appendElement(signature, NS.dsig, 'ds:SignatureValue', {}, PLACEHOLDER);

  // The signature becomes the root's last child: the text before the root's end tag is kept as is.
  const end = c.xml.lastIndexOf('</');
  const text = c.xml.slice(0, end) + serialize(signature) + c.xml.slice(end);
  const placed = descendants(parseXml(text).root, NS.dsig, 'SignedInfo')[0]!;
  const value = sign(
    'sha256',
    Buffer.from(canonicalize(placed, { inclusivePrefixes: c.inclusive })),
    privateKey,
  );
  return text.replace(PLACEHOLDER, value.toString('base64'));
}

export async function xmlsec1Verifies(xml: string, certFile: string, file: string): Promise<boolean> {
  writeFileSync(file, xml);
  try {
    await promisify(execFile)(requireTool('/usr/bin/xmlsec1', 'xmlsec1'), [
      '--verify',
      '--pubkey-cert-pem',
      certFile,
      file,
    ]);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw error;
    return false; // xmlsec1 exits non-zero when the signature does not verify
  }
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
