import type { Element } from '@xmldom/xmldom';
import { NAMEID_FORMAT, NS } from '../../../src/xml/namespaces.ts';
import { issue, sequenceRandom } from '../response-fixture.ts';
import {
  child,
  copyWithoutSignature,
  edit,
  first,
  makeEvil,
  nameIdOf,
  setText,
  signatureOf,
} from '../xml-edit.ts';
import { type Builder, rootOf } from './bases.ts';

/**
 * XML Signature Wrapping, numbered as SAMLRaider numbers them (after Somorovsky et al., "On Breaking
 * SAML: Be Whoever You Want to Be", 2012): the genuine signed element is kept somewhere the signature
 * still finds it, and an evil element (NameID admin@contoso.com) sits where a naive SP reads.
 * Unlike SAMLRaider, every evil element gets a fresh ID, so that the duplicate-ID check (tested on its
 * own) is not what stops them: each must be stopped by the wrapping defences.
 */
export const XSW_DOCUMENTS: Record<string, Builder> = {
  // XSW1 (response signature): evil Response at the root under a new ID; the original, unsigned copy
  // appended inside the root's Signature, where `#<original ID>` still finds it.
  'xsw-01': ({ responseSigned }) =>
    edit(responseSigned, ({ response, assertion }) => {
      signatureOf(response).appendChild(copyWithoutSignature(response));
      response.setAttribute('ID', '_evil_response_ID');
      makeEvil(assertion);
    }),
  // XSW2: as XSW1, the original copy placed just before the Signature (detached-signature style).
  'xsw-02': ({ responseSigned }) =>
    edit(responseSigned, ({ response, assertion }) => {
      const signature = signatureOf(response);
      response.insertBefore(copyWithoutSignature(response), signature);
      response.setAttribute('ID', '_evil_response_ID');
      makeEvil(assertion);
    }),
  // XSW3 (assertion signature): evil unsigned Assertion inserted before the signed original.
  'xsw-03': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      response.insertBefore(makeEvil(copyWithoutSignature(assertion)), assertion);
    }),
  // XSW4: evil Assertion at the end of the Response, the signed original moved inside it.
  'xsw-04': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const original = assertion;
      const evil = makeEvil(copyWithoutSignature(original));
      response.appendChild(evil);
      evil.appendChild(original);
    }),
  // XSW5: the original position turned evil (keeping the original signature); an unsigned copy of
  // the original appended at the end of the Response.
  'xsw-05': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const original = assertion;
      response.appendChild(copyWithoutSignature(original));
      makeEvil(original);
    }),
  // XSW6: as XSW5, the unsigned copy of the original placed inside the (original) Signature.
  'xsw-06': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      const original = assertion;
      signatureOf(original).appendChild(copyWithoutSignature(original));
      makeEvil(original);
    }),
  // XSW7: an Extensions element holding an evil unsigned Assertion, before the signed original.
  'xsw-07': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response, assertion }) => {
      const extensions = document.createElementNS(NS.protocol, 'samlp:Extensions');
      response.insertBefore(extensions, assertion);
      extensions.appendChild(makeEvil(copyWithoutSignature(assertion)));
    }),
  // XSW8: the original position turned evil; an unsigned copy of the original inside a ds:Object of
  // the original Signature.
  'xsw-08': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, assertion }) => {
      const original = assertion;
      const object = document.createElementNS(NS.dsig, 'ds:Object');
      signatureOf(original).appendChild(object);
      object.appendChild(copyWithoutSignature(original));
      makeEvil(original);
    }),
};

/** The signed original hidden elsewhere, an evil unsigned Assertion in its place. */
export const HIDDEN_COPY_DOCUMENTS: Record<string, Builder> = {
  'response.signed-assertion-in-status': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response, assertion }) => {
      const original = assertion;
      response.replaceChild(makeEvil(copyWithoutSignature(original)), original);
      const detail = document.createElementNS(NS.protocol, 'samlp:StatusDetail');
      child(response, NS.protocol, 'Status').appendChild(detail);
      detail.appendChild(original);
    }),
  'response.signed-assertion-in-extensions': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response, assertion }) => {
      const original = assertion;
      response.replaceChild(makeEvil(copyWithoutSignature(original)), original);
      const extensions = document.createElementNS(NS.protocol, 'samlp:Extensions');
      response.insertBefore(extensions, child(response, NS.protocol, 'Status'));
      extensions.appendChild(original);
    }),
  'response.signed-assertion-in-advice': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response, assertion }) => {
      const original = assertion;
      const evil = makeEvil(copyWithoutSignature(original));
      response.replaceChild(evil, original);
      // SAML Core §2.3.3: Advice follows Conditions.
      const advice = document.createElementNS(NS.assertion, 'Advice');
      evil.insertBefore(advice, child(evil, NS.assertion, 'Conditions').nextSibling);
      advice.appendChild(original);
    }),
  'response.two-assertions': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      response.appendChild(makeEvil(copyWithoutSignature(assertion)));
    }),
  // Two genuinely signed assertions (two users, lifted from two responses): still one too many.
  'response.two-signed-assertions': async ({ assertionSigned }) => {
    const other = await issue({
      nameId: { value: 'C.Jones@contoso.com', format: NAMEID_FORMAT.emailAddress },
      random: sequenceRandom(1),
    });
    const otherAssertion = child(rootOf(other.xml), NS.assertion, 'Assertion');
    return edit(assertionSigned, ({ document, response }) => {
      response.appendChild(document.importNode(otherAssertion, true));
    });
  },
  'response.assertion-and-encrypted-assertion': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response }) => {
      const wrapper = document.createElementNS(NS.assertion, 'EncryptedAssertion');
      wrapper.appendChild(document.createElementNS(NS.xenc, 'xenc:EncryptedData'));
      response.appendChild(wrapper);
    }),
  'response.no-assertion': ({ responseSigned }) =>
    edit(responseSigned, ({ response, assertion }) => {
      response.removeChild(assertion);
    }),
  // The Response's signature moved into an evil Assertion: it references the Response, not its parent.
  'response.response-signature-moved-into-assertion': ({ responseSigned }) =>
    edit(responseSigned, ({ response, assertion }) => {
      const signature = signatureOf(response);
      assertion.insertBefore(signature, child(assertion, NS.assertion, 'Issuer').nextSibling);
      setText(nameIdOf(assertion), 'admin@contoso.com');
    }),
  // SAMLRaider's XSW9 (the simpleSAMLphp bypass): a second SignedInfo referencing the evil assertion.
  'response.signed-info-twice': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      const signature = signatureOf(assertion);
      const evilInfo = child(signature, NS.dsig, 'SignedInfo').cloneNode(true) as Element;
      signature.appendChild(evilInfo);
      makeEvil(assertion);
      first(evilInfo, NS.dsig, 'Reference').setAttribute('URI', '#_evil_assertion_ID');
    }),
};
