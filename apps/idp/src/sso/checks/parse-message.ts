import {
  decodePost,
  decodeRedirect,
  fixedClock,
  parseAuthnRequest,
  parseXml,
  peekIssuer,
  rawQuery,
  SamlError,
} from '@federa/saml';
import type { SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

// Structure only: the time window is its own check (`issue-instant`), so parse against a clock no
// IssueInstant can be later than, with no age limit.
const STRUCTURE_ONLY = {
  clock: fixedClock('9999-12-31T00:00:00Z'),
  maxAgeSeconds: 400 * 365 * 24 * 3600 * 10_000,
};

/**
 * Decodes the binding (DEFLATE + base64 for Redirect, base64 for POST, size-capped), parses the XML
 * with the strict parser and, for an AuthnRequest, reads it (SAML Core §3.4.1).
 */
export const parseMessage: SsoCheck = {
  name: 'parse',
  run(ctx) {
    try {
      let xml: string;
      let relayState: string | null;
      const redirect = ctx.binding === 'redirect' ? decodeRedirect(rawQuery(ctx.request.url)) : null;
      if (redirect) {
        xml = redirect.xml;
        relayState = redirect.relayState;
      } else {
        const body = ctx.request.body as Record<string, unknown>;
        const value = typeof body.SAMLRequest === 'string' ? body.SAMLRequest : String(body.SAMLResponse);
        // node-saml deflates POST requests by default although the binding says not to: accept both.
        xml = decodePost(value, { allowDeflate: true });
        relayState = typeof body.RelayState === 'string' ? body.RelayState : null;
      }
      const { root } = parseXml(xml);
      ctx.message = { xml, relayState, redirect, kind: root.localName ?? '' };
      ctx.issuer = peekIssuer(xml);
      if (ctx.message.kind === 'AuthnRequest') ctx.authnRequest = parseAuthnRequest(xml, STRUCTURE_ONLY);
    } catch (error) {
      if (!(error instanceof SamlError)) throw error;
      throw new SsoError({
        code: 'AADSTS75005',
        check: this.name,
        message: 'The request is not a valid Saml2 protocol message.',
        adminAction: `The application sent a message Federa Directory cannot read (${error.code}: ${error.message}). Check the application's SAML settings or its logs.`,
        detail: { samlError: error.code },
      });
    }
  },
};
