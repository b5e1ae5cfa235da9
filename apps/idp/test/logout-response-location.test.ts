import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BINDING,
  buildLogoutRequest,
  buildSpMetadata,
  decodeRedirect,
  encodeRedirect,
  parseLogoutResponse,
  rawQuery,
} from '@federa/saml';
import { findApplication } from '../src/applications/applications.repository.ts';
import { applySpMetadata, updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { FormErrors } from '../src/errors.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ACME, type Contoso, seedContoso } from './support/seed.ts';
import { idpOf } from './support/sp.ts';

// SAML Metadata §2.2.2: an endpoint's ResponseLocation, when present, is where responses to it go;
// its Location takes requests only. A peer built that way (e.g. a logout handler that answers
// requests and another that takes responses) gets its LogoutResponse at the ResponseLocation.

const SLO_REQUESTS = 'http://localhost:5000/saml/slo/request/';
const SLO_RESPONSES = 'http://localhost:5000/saml/slo/response/';

function spMetadata(slo: { location: string; responseLocation?: string; binding?: string }[]): string {
  return buildSpMetadata({
    entityId: ACME.entityId,
    acs: [{ location: ACME.acsUrl, index: 0, isDefault: true }],
    slo,
    authnRequestsSigned: false,
    wantAssertionsSigned: true,
  });
}

/** Sends acme's LogoutRequest by HTTP-Redirect and returns where the Directory sends the browser. */
async function logoutAnswer(idp: TestIdp, contoso: Contoso): Promise<string> {
  const xml = buildLogoutRequest({
    id: '_logout-rl',
    issueInstant: idp.clock.now(),
    issuer: ACME.entityId,
    destination: idpOf(contoso.tenant).ssoUrl,
    nameId: { value: 'B.Simon@contoso.com', format: null },
  });
  const out = await new Browser(idp.app).get(
    encodeRedirect({ location: '/contoso.com/saml2', parameter: 'SAMLRequest', xml, relayState: 'rs-1' }),
  );
  assert.equal(out.statusCode, 303, out.body.slice(0, 500));
  return String(out.headers.location);
}

for (const dialect of DIALECTS) {
  describe(`LogoutResponses and ResponseLocation on ${dialect}`, () => {
    test('the LogoutResponse goes to the ResponseLocation of the SLO endpoint in the SP metadata, with it as Destination', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await applySpMetadata(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        spMetadata([{ location: SLO_REQUESTS, responseLocation: SLO_RESPONSES }]),
      );
      const app = await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id);
      assert.equal(app?.logoutUrl, SLO_REQUESTS);
      assert.equal(app?.logoutResponseUrl, SLO_RESPONSES);

      const location = await logoutAnswer(idp, contoso);
      assert.ok(location.startsWith(`${SLO_RESPONSES}?SAMLResponse=`), location);
      const decoded = decodeRedirect(rawQuery(location));
      assert.equal(decoded.relayState, 'rs-1');
      const response = parseLogoutResponse(decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedInResponseTo: '_logout-rl',
        expectedDestination: SLO_RESPONSES,
      });
      assert.equal(response.inResponseTo, '_logout-rl');
    });

    test('without a ResponseLocation the Logout URL takes the response; a Logout URL typed by hand drops the one from metadata', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await applySpMetadata(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        spMetadata([{ location: SLO_REQUESTS, responseLocation: SLO_REQUESTS }]),
      );
      assert.equal(
        (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))?.logoutResponseUrl,
        null,
        'the same URL as Location adds nothing',
      );
      assert.ok((await logoutAnswer(idp, contoso)).startsWith(`${SLO_REQUESTS}?SAMLResponse=`));

      await applySpMetadata(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        contoso.app.id,
        spMetadata([{ location: SLO_REQUESTS, responseLocation: SLO_RESPONSES }]),
      );
      const basic = {
        identifiers: [{ identifier: ACME.entityId, isDefault: true }],
        replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
      };
      // Saving the Basic SAML Configuration unchanged keeps it …
      await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        ...basic,
        logoutUrl: SLO_REQUESTS,
      });
      assert.ok((await logoutAnswer(idp, contoso)).startsWith(`${SLO_RESPONSES}?SAMLResponse=`));
      // … another Logout URL replaces the endpoint, and with it where responses go.
      const typed = 'http://localhost:5000/saml/sls/acme/';
      await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        ...basic,
        logoutUrl: typed,
      });
      assert.equal(
        (await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id))?.logoutResponseUrl,
        null,
      );
      assert.ok((await logoutAnswer(idp, contoso)).startsWith(`${typed}?SAMLResponse=`));
    });

    test('a ResponseLocation the Directory would not send a browser to refuses the metadata', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await assert.rejects(
        applySpMetadata(
          idp.deps,
          TEST_ACTOR,
          contoso.tenant.id,
          contoso.app.id,
          spMetadata([
            {
              location: SLO_REQUESTS,
              responseLocation: 'http://sp.example/slo/response',
              binding: BINDING.redirect,
            },
          ]),
        ),
        (error: unknown) => error instanceof FormErrors && 'metadata' in error.fields,
      );
      const app = await findApplication(idp.deps.db, contoso.tenant.id, contoso.app.id);
      assert.equal(app?.logoutResponseUrl, null);
    });
  });
}
