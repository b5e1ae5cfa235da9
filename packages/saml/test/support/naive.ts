import { createHash, type KeyObject, verify } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { canonicalize } from '../../src/xml/c14n.ts';
import { attr, descendants, textOf } from '../../src/xml/dom.ts';
import { NS } from '../../src/xml/namespaces.ts';
import { parseXml } from '../../src/xml/parse.ts';
import { child, first } from './xml-edit.ts';

/**
 * The verifier that signature wrapping fools: it takes the first ds:Signature anywhere, resolves its
 * Reference by ID anywhere in the document, and checks digest and signature. An attack fixture that
 * this accepts is a genuine threat (the signature still holds over what it references), so its
 * rejection by `validateResponse` is due to the position binding, not to a broken fixture.
 */
export function naiveSignatureHolds(xml: string, key: KeyObject): boolean {
  const { root, ids } = parseXml(xml);
  const signature = descendants(root, NS.dsig, 'Signature')[0];
  if (!signature) return false;
  const signedInfo = child(signature, NS.dsig, 'SignedInfo');
  const target = ids.get((attr(first(signedInfo, NS.dsig, 'Reference'), 'URI') ?? '').slice(1));
  if (!target) return false;
  const enveloped = contains(target, signature);
  const digest = createHash('sha256')
    .update(canonicalize(target, { exclude: enveloped ? signature : null }))
    .digest('base64');
  if (digest !== textOf(first(signedInfo, NS.dsig, 'DigestValue')).trim()) return false;
  const value = Buffer.from(textOf(child(signature, NS.dsig, 'SignatureValue')), 'base64');
  return verify('sha256', Buffer.from(canonicalize(signedInfo)), key, value);
}

/** The text of the first NameID in document order: what `getElementsByTagName('NameID')[0]` reads. */
export function naiveNameId(xml: string): string {
  const { root } = parseXml(xml);
  const all = root.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const element = all.item(i)!;
    if (element.localName === 'NameID') return element.firstChild?.nodeValue ?? '';
  }
  return '';
}

function contains(ancestor: Element, node: Element): boolean {
  for (let at: Element | null = node; at; at = at.parentNode as Element | null)
    if (at === ancestor) return true;
  return false;
}
