import type { Element } from '@xmldom/xmldom';
import { NS } from '../../../src/xml/namespaces.ts';
import { ELEMENT_NODE } from '../../../src/xml/parse.ts';
import { resign } from '../forge.ts';
import { ATTRIBUTES, issue, REQUEST_ID, testKey } from '../response-fixture.ts';
import { edit } from '../xml-edit.ts';
import type { Builder } from './bases.ts';

export const STREET_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/streetaddress';
export const STREET = '1 Microsoft Way\nRedmond, WA 98052';
export const STREET_WITH_CR = '1 Microsoft Way\r\nRedmond, WA 98052';
/** A claim whose Name (an XML attribute value) holds a carriage return. */
export const CR_CLAIM = 'urn:federa:test:claims:carriage\rreturn';

/**
 * Controls: responses every check must let through. A suite that only ever sees rejections cannot
 * tell a hardened validator from one that rejects everything.
 */
export const VALID_DOCUMENTS: Record<string, Builder> = {
  'response.assertion-signed': ({ assertionSigned }) => assertionSigned,
  'response.response-signed': ({ responseSigned }) => responseSigned,
  'response.both-signed': ({ bothSigned }) => bothSigned,
  'response.unsolicited': ({ unsolicited }) => unsolicited,
  'response.rsa-sha1': async () =>
    (await issue({ signing: { credential: testKey('idp-signing'), algorithm: 'rsa-sha1' } })).xml,
  // Key rollover: signed with the IdP's second (newer) certificate.
  'response.rollover-second-key': async () =>
    (await issue({ signing: { credential: testKey('idp-signing-next') } })).xml,
  // A pretty-printing IdP signed LF line endings; the message arrives with CRLF (a Windows hop).
  // XML 1.0 §2.11: the parser turns every CRLF back into LF before anything is verified.
  'response.crlf-line-endings': async () => {
    const { xml } = await issue({
      attributes: [...ATTRIBUTES, { name: STREET_CLAIM, values: [STREET] }],
      signing: { credential: testKey('idp-signing'), mode: 'both' },
    });
    const indented = edit(xml, ({ response, assertion }) => {
      indent(response, 1);
      resign(assertion, testKey('idp-signing'));
      resign(response, testKey('idp-signing'));
    });
    return indented.replace(/\n/g, '\r\n');
  },
  // `&#13;` survives parsing as a carriage return, in text and in an attribute value, and c14n writes
  // it back as `&#xD;`, so the digest holds.
  'response.cr-character-reference': async () => {
    const { xml } = await issue({
      attributes: [
        ...ATTRIBUTES,
        { name: STREET_CLAIM, values: [STREET_WITH_CR] },
        { name: CR_CLAIM, values: ['yes'] },
      ],
      signing: { credential: testKey('idp-signing'), mode: 'both' },
    });
    if (!xml.includes('&#xD;')) throw new Error('fixture generator: no carriage return in the issued text');
    return xml.replaceAll('&#xD;', '&#13;');
  },
  // Prefixes declared but not used: exclusive c14n leaves them out, so nothing signed changes.
  'response.unused-prefixes-declared': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      assertion.setAttributeNS(NS.xmlns, 'xmlns:ds', 'urn:federa:test:not-xmldsig');
      assertion.setAttributeNS(NS.xmlns, 'xmlns:saml', 'urn:federa:test:evil');
    }),
  // An IdP that puts InResponseTo only on the (signed) Response.
  'response.response-signed.in-response-to-on-response-only': async () =>
    edit(
      (await issue({ inResponseTo: null, signing: { credential: testKey('idp-signing'), mode: 'response' } }))
        .xml,
      ({ response }) => {
        response.setAttribute('InResponseTo', REQUEST_ID);
        resign(response, testKey('idp-signing'));
      },
    ),
};

/** Pretty-prints element-only content with LF and two-space indentation, as many IdPs do. */
function indent(element: Element, depth: number): void {
  const children: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== ELEMENT_NODE) return; // mixed or text content is left alone
    children.push(node as Element);
  }
  if (children.length === 0) return;
  const document = element.ownerDocument!;
  for (const child of children) {
    element.insertBefore(document.createTextNode(`\n${'  '.repeat(depth)}`), child);
    indent(child, depth + 1);
  }
  element.appendChild(document.createTextNode(`\n${'  '.repeat(depth - 1)}`));
}
