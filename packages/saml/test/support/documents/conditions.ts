import { NS, STATUS } from '../../../src/xml/namespaces.ts';
import { resign } from '../forge.ts';
import { ACS_URL, IDP_ENTITY_ID, issue, REQUEST_ID, testKey } from '../response-fixture.ts';
import { child, edit, first, setText } from '../xml-edit.ts';
import type { Builder } from './bases.ts';

const OTHER_SP = 'http://localhost:5000/saml/metadata/other-org/';
const OTHER_ACS = 'http://localhost:5000/saml/acs/other-org/';
const OTHER_IDP = 'https://sts.windows.net/0a1b2c3d-0000-4000-8000-00000000beef/';

/**
 * Responses signed by the trusted IdP, or envelopes around a signed assertion, that are meant for
 * someone else, from someone else, or did not succeed (DESIGN.md baseline 7 and 8).
 */
export const CONDITION_DOCUMENTS: Record<string, Builder> = {
  // Issued by the trusted IdP for another SP (another organization's entity ID).
  'response.audience-other-sp': async () => (await issue({ audience: OTHER_SP })).xml,
  // Issued for another organization's ACS, the unsigned envelope's Destination pointed at ours.
  'response.recipient-other-acs': async () =>
    edit((await issue({ destination: OTHER_ACS })).xml, ({ response }) => {
      response.setAttribute('Destination', ACS_URL);
    }),
  'response.destination-other-acs': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response }) => {
      response.setAttribute('Destination', OTHER_ACS);
    }),
  // SAML Bindings §3.5.5.2: a signed response must carry Destination.
  'response.response-signed.destination-absent': ({ responseSigned }) =>
    edit(responseSigned, ({ response }) => {
      response.removeAttribute('Destination');
      resign(response, testKey('idp-signing'));
    }),
  'response.issuer-other.response': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response }) => {
      setText(child(response, NS.assertion, 'Issuer'), OTHER_IDP);
    }),
  // Another IdP entity (same key) issued the assertion; the envelope claims to be the right one.
  'response.issuer-other.assertion': async () =>
    edit((await issue({ issuer: OTHER_IDP })).xml, ({ response }) => {
      setText(child(response, NS.assertion, 'Issuer'), IDP_ENTITY_ID);
    }),
  'response.status-requester': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response }) => {
      first(response, NS.protocol, 'StatusCode').setAttribute('Value', STATUS.requester);
    }),
  // A second-level Success does not make a top-level failure a success (SAML Core §3.2.2.2).
  'response.status-responder-nested-success': ({ assertionSigned }) =>
    edit(assertionSigned, ({ document, response }) => {
      const code = first(response, NS.protocol, 'StatusCode');
      code.setAttribute('Value', STATUS.responder);
      const nested = document.createElementNS(NS.protocol, 'samlp:StatusCode');
      nested.setAttribute('Value', STATUS.success);
      code.appendChild(nested);
    }),
  'response.status-absent': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response }) => {
      response.removeChild(child(response, NS.protocol, 'Status'));
    }),
  // The unsigned envelope answers our request, the signed assertion another one.
  'response.in-response-to-envelope-differs': ({ assertionSigned }) =>
    edit(assertionSigned, ({ response }) => {
      response.setAttribute('InResponseTo', '_6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b');
    }),
  // An IdP-initiated (unsolicited) assertion, its unsigned envelope claiming to answer our request.
  'response.unsolicited.in-response-to-added': ({ unsolicited }) =>
    edit(unsolicited, ({ response }) => {
      response.setAttribute('InResponseTo', REQUEST_ID);
    }),
};
