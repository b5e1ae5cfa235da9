import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { SamlError } from '../src/errors.ts';
import type { ValidateResponseOptions } from '../src/protocol/response.ts';
import { serialize } from '../src/xml/build.ts';
import { childElements } from '../src/xml/dom.ts';
import { NS } from '../src/xml/namespaces.ts';
import { ELEMENT_NODE, parseXml } from '../src/xml/parse.ts';
import { encryptElement } from '../src/xmlenc/encrypt.ts';
import {
  ACS_URL,
  EVIL_NAME_ID,
  EXPECTED_IDENTITY,
  identityOf,
  issue,
  REQUEST_ID,
  SP_ENTITY_ID,
  testKey,
  validate,
} from './support/response-fixture.ts';
import { edit, toXml } from './support/xml-edit.ts';

/**
 * Whatever an attacker does to a genuine signed response — a character flipped, inserted or deleted,
 * an element duplicated, moved or removed, an attribute changed — validation either yields the SAME
 * identity (issuer, NameID, attributes) or throws a SamlError. Never another error type (a crash is a
 * bug and, behind an HTTP handler, a 500), never a different identity.
 */

/** Bounded for the suite; `FC_RUNS=20000` explores further (no failure found at 20,000 when written). */
const NUM_RUNS = Number(process.env.FC_RUNS ?? 200);
const spKey = testKey('sp-encryption');

interface Subject {
  mode: string;
  xml: string;
  options: Partial<ValidateResponseOptions>;
}

async function subjects(): Promise<Subject[]> {
  const credential = testKey('idp-signing');
  const decrypting = { sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL, decryptionKeys: [spKey.privateKey] } };
  return [
    { mode: 'assertion signed', xml: (await issue()).xml, options: {} },
    {
      mode: 'response signed',
      xml: (await issue({ signing: { credential, mode: 'response' } })).xml,
      options: {},
    },
    { mode: 'both signed', xml: (await issue({ signing: { credential, mode: 'both' } })).xml, options: {} },
    { mode: 'encrypted', xml: (await issue({ encryptFor: spKey.certificate })).xml, options: decrypting },
  ];
}

/** The property: the same identity, or a SamlError. */
async function sameIdentityOrSamlError(
  xml: string,
  options: Partial<ValidateResponseOptions>,
): Promise<void> {
  let result: Awaited<ReturnType<typeof validate>>;
  try {
    result = await validate(xml, options);
  } catch (error) {
    if (error instanceof SamlError) return;
    throw error;
  }
  assert.deepEqual(identityOf(result), EXPECTED_IDENTITY);
}

// Characters that matter to XML, to base64, to IDs and to URLs.
const CHARS = [...'<>/="\'&;#:!-?[] \n\r\tAZaz09+_.x', '&#13;', '<!---->', '&amp;'];

const textMutation = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete'),
  at: fc.nat(),
  text: fc.constantFrom(...CHARS),
});
type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

function applyText(xml: string, mutation: TextMutation): string {
  const at = mutation.at % xml.length;
  switch (mutation.kind) {
    case 'flip':
      return xml.slice(0, at) + mutation.text + xml.slice(at + 1);
    case 'insert':
      return xml.slice(0, at) + mutation.text + xml.slice(at);
    default:
      return xml.slice(0, at) + xml.slice(at + 1);
  }
}

const ATTRIBUTE_NAMES = [
  'ID',
  'Id',
  'id',
  'URI',
  'Algorithm',
  'InResponseTo',
  'Destination',
  'Recipient',
  'Value',
];

const domMutation = fc.record({
  kind: fc.constantFrom('duplicate', 'move', 'remove', 'set-attribute', 'remove-attribute'),
  element: fc.nat(),
  target: fc.nat(),
  name: fc.oneof(fc.nat(), fc.constantFrom(...ATTRIBUTE_NAMES)),
  value: fc.oneof(
    fc.constantFrom(
      '',
      EVIL_NAME_ID,
      REQUEST_ID,
      ACS_URL,
      SP_ENTITY_ID,
      'urn:oasis:names:tc:SAML:2.0:status:Success',
    ),
    fc.string({ maxLength: 8 }),
  ),
});
type DomMutation = typeof domMutation extends fc.Arbitrary<infer T> ? T : never;

function applyDom(xml: string, mutations: readonly DomMutation[]): string {
  const { document, root, ids } = parseXml(xml);
  const idValues = [...ids.keys()];
  for (const mutation of mutations) {
    const elements = allElements(root);
    const element = elements[mutation.element % elements.length]!;
    const target = elements[mutation.target % elements.length]!;
    const parent = element.parentNode as Element | null;
    switch (mutation.kind) {
      case 'duplicate':
        if (parent?.nodeType === ELEMENT_NODE)
          parent.insertBefore(element.cloneNode(true), element.nextSibling);
        break;
      case 'move':
        if (parent?.nodeType === ELEMENT_NODE && !isInside(target, element)) target.appendChild(element);
        break;
      case 'remove':
        if (parent?.nodeType === ELEMENT_NODE) parent.removeChild(element);
        break;
      case 'set-attribute': {
        const name = attributeName(element, mutation.name);
        // An ID value taken from the document is the interesting collision; otherwise the given value.
        const value =
          name.toLowerCase() === 'id' && idValues.length > 0
            ? idValues[mutation.target % idValues.length]!
            : mutation.value;
        element.setAttribute(name, value);
        break;
      }
      default:
        element.removeAttribute(attributeName(element, mutation.name));
    }
  }
  return toXml(document);
}

function allElements(root: Element): Element[] {
  const found: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    found.push(element);
    for (let node = element.lastChild; node; node = node.previousSibling) {
      if (node.nodeType === ELEMENT_NODE) stack.push(node as Element);
    }
  }
  return found;
}

function attributeName(element: Element, name: number | string): string {
  if (typeof name === 'string') return name;
  const own = Array.from({ length: element.attributes.length }, (_, i) => element.attributes.item(i)!.name);
  return own.length > 0 ? own[name % own.length]! : 'ID';
}

function isInside(node: Element, ancestor: Element): boolean {
  for (let at: Element | null = node; at; at = at.parentNode as Element | null)
    if (at === ancestor) return true;
  return false;
}

describe('random mutations of a signed response: the same identity or a SamlError', async () => {
  const all = await subjects();

  test('every unmutated subject validates to the expected identity (control)', async () => {
    for (const subject of all) {
      assert.deepEqual(identityOf(await validate(subject.xml, subject.options)), EXPECTED_IDENTITY);
    }
  });

  test('characters flipped, inserted or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.array(textMutation, { minLength: 1, maxLength: 3 }),
        async (subject, mutations) => {
          const xml = mutations.reduce(applyText, subject.xml);
          await sameIdentityOrSamlError(xml, subject.options);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test('elements duplicated, moved or removed; attributes changed or removed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.array(domMutation, { minLength: 1, maxLength: 3 }),
        async (subject, mutations) => {
          await sameIdentityOrSamlError(applyDom(subject.xml, mutations), subject.options);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  // Anyone can encrypt for the SP's public certificate, so the decrypted plaintext is attacker input
  // too: the signed assertion's text mutated, then encrypted, goes through the same strict parser.
  test('the signed assertion mutated, then encrypted for the SP', async () => {
    const { xml } = await issue();
    const assertionText = serialize(childElements(parseXml(xml).root, NS.assertion, 'Assertion')[0]!);
    const decrypting = all.find((subject) => subject.mode === 'encrypted')!.options;
    await fc.assert(
      fc.asyncProperty(fc.array(textMutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
        const plaintext = mutations.reduce(applyText, assertionText);
        await sameIdentityOrSamlError(await encryptedResponse(xml, plaintext), decrypting);
      }),
      { numRuns: Math.ceil(NUM_RUNS / 2) },
    );
  });
});

/** `xml` with its Assertion replaced by an EncryptedAssertion of `plaintext`. */
async function encryptedResponse(xml: string, plaintext: string): Promise<string> {
  const encryptedData = parseXml(await encryptElement(plaintext, spKey.certificate)).root;
  return edit(xml, ({ document, response, assertion }) => {
    const wrapper = document.createElementNS(NS.assertion, 'EncryptedAssertion');
    wrapper.appendChild(document.importNode(encryptedData, true));
    response.replaceChild(wrapper, assertion);
  });
}
