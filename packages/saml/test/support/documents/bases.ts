import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../../../src/xml/parse.ts';
import { issue, testKey } from '../response-fixture.ts';

/** The genuine responses every attack document starts from, issued once per process. */
export interface Bases {
  /** Entra's default: the Assertion signed, the Response envelope not. */
  assertionSigned: string;
  responseSigned: string;
  bothSigned: string;
  /** IdP-initiated: no InResponseTo anywhere (assertion signed). */
  unsolicited: string;
}

/** Builds one fixture document from the genuine responses. */
export type Builder = (bases: Bases) => string | Promise<string>;

let cached: Promise<Bases> | null = null;

export function bases(): Promise<Bases> {
  cached ??= (async () => {
    const credential = testKey('idp-signing');
    const [assertionSigned, responseSigned, bothSigned, unsolicited] = await Promise.all([
      issue({ signing: { credential, mode: 'assertion' } }),
      issue({ signing: { credential, mode: 'response' } }),
      issue({ signing: { credential, mode: 'both' } }),
      issue({ inResponseTo: null }),
    ]);
    return {
      assertionSigned: assertionSigned.xml,
      responseSigned: responseSigned.xml,
      bothSigned: bothSigned.xml,
      unsolicited: unsolicited.xml,
    };
  })();
  return cached;
}

/** The root element of a genuine document, to import parts of it into another. */
export function rootOf(xml: string): Element {
  return parseXml(xml).root;
}
