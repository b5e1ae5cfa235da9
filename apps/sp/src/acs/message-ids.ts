import { decodePost, NS, parseXml } from '@federa/saml';
import { MAX_SAML_RESPONSE_CHARS } from './checks/decode-post.ts';
import type { AcsState } from './state.ts';

/**
 * The SAML ids of one attempt: what the IdP's sign-in log shows too, so that an admin can follow one
 * attempt across the two services (the Directory's log lists the same three ids).
 */
export interface MessageIds {
  /** InResponseTo: the ID of the AuthnRequest this Workspace sent; null when IdP-initiated. */
  authnRequestId: string | null;
  responseId: string | null;
  assertionId: string | null;
  /** The Response's Issuer as sent (for the operators' log line of a response nobody here owns). */
  issuer: string | null;
}

/** What is read of the root's children (the SAML core's parser returns xmldom nodes). */
interface SamlElement {
  namespaceURI: string | null;
  localName: string | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

const NONE: MessageIds = { authnRequestId: null, responseId: null, assertionId: null, issuer: null };

/** An id fit to store and show: printable, no spaces, bounded (SAML ids are xs:ID, i.e. NCNames). */
function shown(value: string | null | undefined, max = 256): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  return /^[\x21-\x7e]+$/.test(trimmed) ? trimmed.slice(0, max) : null;
}

/**
 * The ids of the attempt. After validation: the verified ones. Before it (or when it failed): read
 * from the message as sent, with the same strict parser, only to name the attempt in the logs (the
 * Response ID is what the IdP's admin searches for); nothing is decided on them (DESIGN.md baseline 2
 * is about what a sign-in uses). An EncryptedAssertion's ID is unknown until it is decrypted.
 */
export function messageIdsOf(state: AcsState): MessageIds {
  const assertion = state.assertion;
  if (assertion) {
    return {
      authnRequestId: shown(assertion.inResponseTo),
      responseId: shown(assertion.responseId),
      assertionId: shown(assertion.assertionId),
      issuer: shown(assertion.issuer, 1024),
    };
  }
  try {
    let xml = state.xml;
    if (xml === undefined) {
      // A check before decode-post refused (the organization does not exist): decode it here.
      const value = (state.request.body as Record<string, unknown> | undefined)?.SAMLResponse;
      if (typeof value !== 'string' || value === '') return NONE;
      xml = decodePost(value, { maxEncodedBytes: MAX_SAML_RESPONSE_CHARS });
    }
    const { root } = parseXml(xml);
    if (root.namespaceURI !== NS.protocol || root.localName !== 'Response') return NONE;
    let assertionId: string | null = null;
    let issuer: string | null = null;
    for (let node = root.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      const element = node as unknown as SamlElement;
      if (element.namespaceURI !== NS.assertion) continue;
      if (element.localName === 'Issuer') issuer = element.textContent;
      if (element.localName === 'Assertion') assertionId = element.getAttribute('ID');
    }
    return {
      authnRequestId: shown(root.getAttribute('InResponseTo')),
      responseId: shown(root.getAttribute('ID')),
      assertionId: shown(assertionId),
      issuer: shown(issuer, 1024),
    };
  } catch {
    // Unreadable: the check that refused it says why; the attempt has no ids.
    return NONE;
  }
}
