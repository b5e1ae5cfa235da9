import type { Document, Element, Text } from '@xmldom/xmldom';
import { NAMEID_FORMAT, NS } from '../../../src/xml/namespaces.ts';
import { C14N_EXCLUSIVE, TRANSFORM_ENVELOPED } from '../../../src/xmldsig/algorithms.ts';
import { addTransform, digestOf, HMAC_SHA1, HMAC_SHA256, resign, transformsOf } from '../forge.ts';
import { EVIL_NAME_ID, issue, testKey } from '../response-fixture.ts';
import { child, edit, first, nameIdOf, rebind, setText, signatureOf } from '../xml-edit.ts';
import type { Builder } from './bases.ts';

const C14N_EXCLUSIVE_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
const C14N_INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const XSLT = 'http://www.w3.org/TR/1999/REC-xslt-19991116';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const SHA1_DIGEST = 'http://www.w3.org/2000/09/xmldsig#sha1';
/** The identity the comment-injection documents were issued for. */
export const COMMENTED_NAME_ID = 'admin@evil.com.x';

function becomeAdmin(assertion: Element): void {
  setText(nameIdOf(assertion), EVIL_NAME_ID);
}

/** Rewrites the Transforms of `element`'s signature to `algorithms`, then re-signs with the trusted key. */
function withTransforms(xml: string, algorithms: Array<string | ((transforms: Element) => void)>): string {
  return edit(xml, ({ assertion }) => {
    const transforms = transformsOf(assertion);
    while (transforms.firstChild) transforms.removeChild(transforms.firstChild);
    for (const algorithm of algorithms) {
      if (typeof algorithm === 'string') addTransform(transforms, algorithm);
      else algorithm(transforms);
    }
    resign(assertion, testKey('idp-signing'));
  });
}

/** The signature's SignedInfo of the (signed) assertion. */
function signedInfoOf(assertion: Element): Element {
  return child(signatureOf(assertion), NS.dsig, 'SignedInfo');
}

/** Breaking the signature itself: removed, emptied, forged, re-signed with another key. */
export const SIGNATURE_DOCUMENTS: Record<string, Builder> = {
  'response.content-modified': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => becomeAdmin(assertion)),
  'response.signature-removed': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      assertion.removeChild(signatureOf(assertion));
      becomeAdmin(assertion);
    }),
  'response.signature-value-empty': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => setText(first(assertion, NS.dsig, 'SignatureValue'), '')),
  'response.attacker-key.assertion-resigned': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      resign(assertion, testKey('attacker'));
    }),
  'response.attacker-key.both-resigned': ({ bothSigned }) =>
    edit(bothSigned, ({ response, assertion }) => {
      becomeAdmin(assertion);
      resign(assertion, testKey('attacker'));
      resign(response, testKey('attacker'));
    }),
  'response.attacker-key.keyinfo-removed': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      const signature = signatureOf(assertion);
      signature.removeChild(child(signature, NS.dsig, 'KeyInfo'));
      resign(assertion, testKey('attacker'));
    }),
  // KeyInfo is not signed: the attacker's signature, the IdP's certificate in KeyInfo.
  'response.attacker-key.keyinfo-trusted-certificate': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      resign(assertion, testKey('attacker'));
      setText(first(assertion, NS.dsig, 'X509Certificate'), testKey('idp-signing').certificate.base64);
    }),
  'response.digest-forged': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      setText(first(assertion, NS.dsig, 'DigestValue'), digestOf(assertion));
    }),
  // CVE-2025-29775 (xml-crypto): the forged digest in a comment before the genuine one. C14N drops the
  // comment, so SignedInfo still verifies; a reader of `firstChild.data` would take the forged digest.
  'response.digest-value-comment': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, assertion }) => {
      becomeAdmin(assertion);
      const digestValue = first(assertion, NS.dsig, 'DigestValue');
      digestValue.insertBefore(document.createComment(digestOf(assertion)), digestValue.firstChild);
    }),
  'response.signature-other-namespace': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      rebind(signatureOf(assertion), 'http://www.w3.org/2000/09/xmldsig-more#');
      becomeAdmin(assertion);
    }),
  // The `ds` prefix rebound on SignedInfo: the element is no longer an XML-DSig SignedInfo.
  'response.signed-info-prefix-rebound': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      rebind(signedInfoOf(assertion), 'urn:federa:test:not-xmldsig');
    }),
};

/** Signatures the trusted IdP key made, but in a shape the allow-lists refuse. */
export const SIGNATURE_POLICY_DOCUMENTS: Record<string, Builder> = {
  'response.reference-uri-response-id': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      first(signedInfoOf(assertion), NS.dsig, 'Reference').setAttribute(
        'URI',
        `#${response.getAttribute('ID')}`,
      );
      resign(assertion, testKey('idp-signing'));
    }),
  'response.reference-uri-empty': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      first(signedInfoOf(assertion), NS.dsig, 'Reference').setAttribute('URI', '');
      resign(assertion, testKey('idp-signing'));
    }),
  'response.references-two': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response, assertion }) => {
      const signedInfo = signedInfoOf(assertion);
      const second = first(signedInfo, NS.dsig, 'Reference').cloneNode(true) as Element;
      second.setAttribute('URI', `#${response.getAttribute('ID')}`);
      signedInfo.appendChild(second);
      resign(assertion, testKey('idp-signing'));
    }),
  // HMAC keyed with the IdP's public certificate: anyone can compute it.
  'response.signature-method-hmac-sha256': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      first(signedInfoOf(assertion), NS.dsig, 'SignatureMethod').setAttribute('Algorithm', HMAC_SHA256);
      resign(assertion, testKey('idp-signing'));
    }),
  'response.signature-method-hmac-sha1': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      becomeAdmin(assertion);
      first(signedInfoOf(assertion), NS.dsig, 'SignatureMethod').setAttribute('Algorithm', HMAC_SHA1);
      resign(assertion, testKey('idp-signing'));
    }),
  'response.digest-method-sha1': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      first(signedInfoOf(assertion), NS.dsig, 'DigestMethod').setAttribute('Algorithm', SHA1_DIGEST);
      resign(assertion, testKey('idp-signing'));
    }),
  'response.transform-xslt': ({ assertionSigned }) =>
    withTransforms(assertionSigned, [
      TRANSFORM_ENVELOPED,
      (transforms) =>
        addTransform(transforms, XSLT, (transform) => {
          const xsl = 'http://www.w3.org/1999/XSL/Transform';
          const stylesheet = transform.ownerDocument!.createElementNS(xsl, 'xsl:stylesheet');
          stylesheet.setAttribute('version', '1.0');
          transform.appendChild(stylesheet);
        }),
    ]),
  // The XPath filter that older signers used in place of enveloped-signature.
  'response.transform-xpath': ({ assertionSigned }) =>
    withTransforms(assertionSigned, [
      (transforms) =>
        addTransform(transforms, XPATH, (transform) => {
          const xpath = transform.ownerDocument!.createElementNS(NS.dsig, 'ds:XPath');
          xpath.appendChild(transform.ownerDocument!.createTextNode('not(ancestor-or-self::ds:Signature)'));
          transform.appendChild(xpath);
        }),
      C14N_EXCLUSIVE,
    ]),
  'response.transforms-three': ({ assertionSigned }) =>
    withTransforms(assertionSigned, [TRANSFORM_ENVELOPED, C14N_EXCLUSIVE, C14N_EXCLUSIVE]),
  'response.transform-c14n-with-comments': ({ assertionSigned }) =>
    withTransforms(assertionSigned, [TRANSFORM_ENVELOPED, C14N_EXCLUSIVE_WITH_COMMENTS]),
  'response.transform-inclusive-c14n': ({ assertionSigned }) =>
    withTransforms(assertionSigned, [TRANSFORM_ENVELOPED, C14N_INCLUSIVE]),
  'response.canonicalization-method-with-comments': ({ assertionSigned }) =>
    edit(assertionSigned, ({ assertion }) => {
      const method = first(signedInfoOf(assertion), NS.dsig, 'CanonicalizationMethod');
      method.setAttribute('Algorithm', C14N_EXCLUSIVE_WITH_COMMENTS);
      resign(assertion, testKey('idp-signing'));
    }),
};

/** Comments inside signed text: invisible to the signature, so they must be invisible to the reader too. */
export const COMMENT_DOCUMENTS: Record<string, Builder> = {
  // `admin@evil.com<!---->.x`: the signature covers `admin@evil.com.x`; a first-text-node reader
  // would see `admin@evil.com`.
  'response.comment-in-nameid': async () =>
    edit(await commentedBase('assertion'), ({ document, assertion }) =>
      splitWithComment(document, assertion),
    ),
  'response.comment-in-nameid.response-signed': async () =>
    edit(await commentedBase('response'), ({ document, assertion }) => splitWithComment(document, assertion)),
  // The same, with the tail the comment hid actually removed: now the signed text has changed.
  'response.comment-in-nameid.tail-removed': async () =>
    edit(await commentedBase('assertion'), ({ document, assertion }) => {
      const tail = splitWithComment(document, assertion);
      tail.parentNode!.removeChild(tail);
    }),
  'response.comment-in-attribute-value': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, assertion }) => {
      for (const value of Array.from(assertion.getElementsByTagNameNS(NS.assertion, 'AttributeValue'))) {
        const text = value.firstChild as Text | null;
        if (text && value.textContent === 'B.Simon@contoso.com') {
          value.insertBefore(document.createComment(''), text.splitText('B.Simon@contoso'.length));
        }
      }
    }),
};

async function commentedBase(mode: 'assertion' | 'response'): Promise<string> {
  const { xml } = await issue({
    nameId: { value: COMMENTED_NAME_ID, format: NAMEID_FORMAT.emailAddress },
    signing: { credential: testKey('idp-signing'), mode },
  });
  return xml;
}

/** Splits the NameID text after `admin@evil.com` with an empty comment; returns the tail text node. */
function splitWithComment(document: Document, assertion: Element): Text {
  const nameId = nameIdOf(assertion);
  const tail = (nameId.firstChild as Text).splitText('admin@evil.com'.length);
  nameId.insertBefore(document.createComment(''), tail);
  return tail;
}
