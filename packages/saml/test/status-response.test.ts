import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixedClock } from '../src/clock.ts';
import { validateResponse } from '../src/protocol/response.ts';
import { readStatus } from '../src/protocol/status.ts';
import { buildStatusResponse } from '../src/protocol/status-response.ts';
import { NS, STATUS } from '../src/xml/namespaces.ts';
import { parseXml } from '../src/xml/parse.ts';
import { makeCredential } from './support/credentials.ts';

const NOW = '2026-01-10T10:00:00.000Z';
const IDP = 'http://127.0.0.1:4000/8f1b8d3e-0000-4000-8000-000000000001/';
const ACS = 'http://localhost:5000/saml/acs/acme/';

describe('buildStatusResponse', () => {
  test('writes a Response with the two-level status, InResponseTo and Destination, and no assertion', () => {
    const xml = buildStatusResponse({
      id: '_r1',
      inResponseTo: '_req1',
      issueInstant: new Date(NOW),
      issuer: IDP,
      destination: ACS,
      status: { code: STATUS.responder, subCode: STATUS.noPassive, message: 'Nobody is signed in.' },
    });
    const { root } = parseXml(xml);
    assert.equal(root.namespaceURI, NS.protocol);
    assert.equal(root.localName, 'Response');
    assert.equal(root.getAttribute('InResponseTo'), '_req1');
    assert.equal(root.getAttribute('Destination'), ACS);
    assert.deepEqual(readStatus(root), {
      code: STATUS.responder,
      subCode: STATUS.noPassive,
      message: 'Nobody is signed in.',
    });
    assert.equal(root.getElementsByTagNameNS(NS.assertion, 'Assertion').length, 0);
  });

  test('an SP refuses it as not successful before looking for an assertion, signed or not', async () => {
    const { credential } = await makeCredential('status-response-test');
    const xml = buildStatusResponse({
      id: '_r2',
      inResponseTo: '_req2',
      issueInstant: new Date(NOW),
      issuer: IDP,
      destination: ACS,
      status: { code: STATUS.requester, subCode: STATUS.invalidNameIdPolicy },
      sign: { credential },
    });
    await assert.rejects(
      validateResponse(xml, {
        idp: { entityId: IDP, signingCertificates: [credential.certificate] },
        sp: { entityId: 'http://localhost:5000/saml/metadata/acme/', acsUrl: ACS },
        clock: fixedClock(NOW),
        pendingRequestIds: ['_req2'],
      }),
      (error: { code?: string }) => error.code === 'RESPONSE_STATUS_NOT_SUCCESS',
    );
  });
});
