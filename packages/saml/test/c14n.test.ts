import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Element as XmldomElement } from '@xmldom/xmldom';
import { parseCertificate } from '../src/keys.ts';
import { canonicalize } from '../src/xml/c14n.ts';
import { childElements, textOf } from '../src/xml/dom.ts';
import { NS } from '../src/xml/namespaces.ts';
import { METADATA_LIMITS, parseXml } from '../src/xml/parse.ts';
import { sharedFixture } from './interop/support.ts';
import {
  elementAt,
  libxml2,
  mapLimited,
  signedByOurC14n,
  xmlCrypto,
  xmlsec1Verifies,
} from './support/c14n-peers.ts';
import { makeCredential } from './support/credentials.ts';
import { type CorpusCase, generateCorpus } from './support/xml-corpus.ts';

/**
 * Differential tests of our exclusive canonicalization (xml/c14n.ts): on a generated corpus its
 * output must be byte-identical to xml-crypto's ExclusiveCanonicalization (the canonicalizer most
 * SAML peers in Node use) and to libxml2's (the one xmlsec1 and python3-saml use), read directly
 * through lxml and indirectly by xmlsec1 verifying signatures made over our canonical forms; and on
 * the real Entra artefacts it must reproduce the digests Entra signed.
 */

const workDir = mkdtempSync(join(tmpdir(), 'federa-c14n-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function ours(c: CorpusCase): string {
  const { root } = parseXml(c.xml);
  const apex = elementAt(root, c.apex);
  const exclude = c.exclude ? elementAt(apex, c.exclude) : null;
  return canonicalize(apex, { exclude, inclusivePrefixes: c.inclusive });
}

function describeCase(c: CorpusCase): string {
  return `seed ${c.seed}: ${JSON.stringify(c)}`;
}

describe('exclusive c14n, differential', () => {
  test('is byte-identical to xml-crypto on 600 generated documents (its own parser for its input)', () => {
    const corpus = generateCorpus(1_000, 600, 'xml-crypto');
    for (const c of corpus) assert.equal(ours(c), xmlCrypto(c), describeCase(c));
  });

  test("is byte-identical to libxml2 (xmlsec1's c14n, via lxml) on 600 generated documents", () => {
    const corpus = generateCorpus(50_000, 600, 'lxml');
    const expected = libxml2(corpus);
    for (const [i, c] of corpus.entries()) assert.equal(ours(c), expected[i], describeCase(c));
  });

  test('agrees with xmlsec1 (libxml2) on 80 generated documents signed over our canonical forms', async () => {
    const { credential, certPem } = await makeCredential('c14n differential');
    const certFile = join(workDir, 'cert.pem');
    writeFileSync(certFile, certPem);
    const corpus = generateCorpus(90_000, 80, 'xmlsec1');
    const verdicts = await mapLimited(corpus, 8, (c) =>
      xmlsec1Verifies(
        signedByOurC14n(c, credential.privateKey),
        certFile,
        join(workDir, `case-${c.seed}.xml`),
      ),
    );
    assert.deepEqual(corpus.filter((_, i) => !verdicts[i]).map(describeCase), []);
    // Control: a document changed after signing is refused, so agreement above is not vacuous.
    const tampered = signedByOurC14n(corpus[0]!, credential.privateKey).replace(
      /<\/[^>]+>$/,
      (end) => `x${end}`,
    );
    assert.equal(await xmlsec1Verifies(tampered, certFile, join(workDir, 'tampered.xml')), false);
  });

  test('the corpus exercises what it claims to', () => {
    const corpus = generateCorpus(50_000, 600, 'lxml');
    const all = corpus.map((c) => c.xml).join('\n');
    for (const needle of [
      'xmlns=""',
      '<![CDATA[',
      '<!--',
      '<?',
      'xml:lang',
      'xml:space',
      '&#13;',
      '&#9;',
      '&#10;',
      '"urn:x"',
    ]) {
      assert.ok(all.includes(needle), `no document contains ${needle}`);
    }
    assert.ok(corpus.some((c) => c.exclude !== null));
    assert.ok(corpus.some((c) => c.inclusive.length > 0));
    assert.ok(generateCorpus(90_000, 80, 'xmlsec1').some((c) => c.inclusive.includes('#default')));
    assert.ok(corpus.some((c) => c.apex.length > 1));
    assert.ok(
      corpus.some((c) => /<(\w+:)?\w+ [^>]*\w+:\w+="[^"]*"[^>]*>/.test(c.xml)),
      'no namespaced attribute',
    );
  });

  test('sorts attributes by namespace URI, then local name, where one URI is a prefix of another', () => {
    // xml-crypto compares URI+localName concatenated and orders these wrongly; libxml2 and the spec
    // (C14N 1.0 §2.2: namespace URI as primary key) put urn:x's attribute first.
    const xml = '<e xmlns:p="urn:x" xmlns:q="urn:xa" q:a="2" p:z="1"/>';
    const c: CorpusCase = { seed: 0, xml, apex: [], exclude: null, inclusive: [] };
    assert.equal(ours(c), '<e xmlns:p="urn:x" xmlns:q="urn:xa" p:z="1" q:a="2"></e>');
    assert.equal(ours(c), libxml2([c])[0]);
  });
});

describe('exclusive c14n output', () => {
  test('escapes & in a namespace URI as C14N 1.0 §2.3 requires, so that it stays well-formed XML', () => {
    // libxml2 and xml-crypto write namespace URIs raw here; no SAML namespace contains a '&'.
    const { root } = parseXml('<p:e xmlns:p="urn:x:a&amp;b"/>');
    const output = canonicalize(root);
    assert.equal(output, '<p:e xmlns:p="urn:x:a&amp;b"></p:e>');
    assert.equal(parseXml(output).root.namespaceURI, 'urn:x:a&b');
  });
});

describe('exclusive c14n reproduces what Entra signed', () => {
  test('the Assertion digest and SignedInfo signature of the Entra response', () => {
    const xml = readFileSync(sharedFixture('entra', 'azure-ad-saml-response.badgr-server.xml'), 'utf8');
    const { root } = parseXml(xml);
    const assertion = childElements(root, NS.assertion, 'Assertion')[0]!;
    checkEnvelopedSignature(assertion);
  });

  test('the EntityDescriptor digest and SignedInfo signature of the Entra federation metadata', () => {
    const xml = readFileSync(
      sharedFixture('entra', 'azure-ad-app-federation-metadata.aduneoclientfedid.xml'),
      'utf8',
    );
    checkEnvelopedSignature(parseXml(xml, METADATA_LIMITS).root);
  });
});

/** Recomputes the digest and checks the signature value with our c14n alone (no verifier code). */
function checkEnvelopedSignature(signed: XmldomElement): void {
  const signature = childElements(signed, NS.dsig, 'Signature')[0]!;
  const signedInfo = childElements(signature, NS.dsig, 'SignedInfo')[0]!;
  const reference = childElements(signedInfo, NS.dsig, 'Reference')[0]!;
  const digestValue = textOf(childElements(reference, NS.dsig, 'DigestValue')[0]!);
  const digest = createHash('sha256')
    .update(canonicalize(signed, { exclude: signature }))
    .digest('base64');
  assert.equal(digest, digestValue);

  const keyInfo = childElements(signature, NS.dsig, 'KeyInfo')[0]!;
  const certificate = parseCertificate(textOf(keyInfo));
  const signatureValue = Buffer.from(
    textOf(childElements(signature, NS.dsig, 'SignatureValue')[0]!),
    'base64',
  );
  const canonicalSignedInfo = canonicalize(signedInfo);
  assert.equal(
    verify('sha256', Buffer.from(canonicalSignedInfo), certificate.publicKey, signatureValue),
    true,
  );
  // One byte more or less and it no longer verifies (the check above is not vacuous).
  const altered = canonicalSignedInfo.replace('<ds:', '<ds:').replace('></', '> </');
  assert.equal(verify('sha256', Buffer.from(altered), certificate.publicKey, signatureValue), false);
}
