import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BINDING,
  buildAuthnRequest,
  buildLogoutRequest,
  buildLogoutResponse,
  buildSpMetadata,
  decodeRedirect,
  encodeRedirect,
  parseLogoutRequest,
  parseLogoutResponse,
  rawQuery,
  STATUS,
  verifyRedirectSignature,
} from '@federa/saml';
import { createApplication } from '../src/applications/applications.service.ts';
import { applySpMetadata, updateBasicSaml } from '../src/applications/sso-settings.service.ts';
import { assign } from '../src/assignments/assignments.service.ts';
import { Browser, decodeEntities, inputValue, samlPostOf } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ACME, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { idpOf, metadataCertificates, redirectRequest, requestId } from './support/sp.ts';

const ACME_SLO = 'http://localhost:5000/saml/sls/acme/';
const WIKI = {
  entityId: 'https://wiki.example/saml',
  acsUrl: 'https://wiki.example/saml/acs',
  slo: 'https://wiki.example/saml/slo',
} as const;

/**
 * Contoso with two applications B.Simon signed in to in one SSO session: Sentry (acme, SP-initiated)
 * and a Wiki, both with a Logout URL. Returns what each assertion named.
 */
async function signedInToTwo(idp: TestIdp) {
  const contoso = await seedContoso(idp.deps);
  await updateBasicSaml(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
    identifiers: [{ identifier: ACME.entityId, isDefault: true }],
    replyUrls: [{ url: ACME.acsUrl, isDefault: true }],
    signOnUrl: ACME.signOnUrl,
    logoutUrl: ACME_SLO,
  });
  const wiki = await createApplication(idp.deps, TEST_ACTOR, contoso.tenant.id, {
    displayName: 'Team Wiki',
    galleryTemplate: 'custom',
    basicSaml: {
      identifiers: [{ identifier: WIKI.entityId, isDefault: true }],
      replyUrls: [{ url: WIKI.acsUrl, isDefault: true }],
      logoutUrl: WIKI.slo,
    },
  });
  await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, wiki.id, {
    principalType: 'user',
    principalId: contoso.simon.id,
  });
  const browser = new Browser(idp.app);
  const acmeAnswer = await browser.signIn(
    'B.Simon@contoso.com',
    USER_PASSWORD,
    await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
  );
  const acmeXml = samlPostOf(acmeAnswer.body).xml;
  const wikiXml = buildAuthnRequest({
    id: requestId(),
    issueInstant: idp.clock.now(),
    issuer: WIKI.entityId,
    destination: idpOf(contoso.tenant).ssoUrl,
    assertionConsumerServiceUrl: WIKI.acsUrl,
    protocolBinding: BINDING.post,
  });
  const wikiAnswer = await browser.get(
    encodeRedirect({ location: `/${contoso.tenant.id}/saml2`, parameter: 'SAMLRequest', xml: wikiXml }),
  );
  assert.equal(samlPostOf(wikiAnswer.body).action, WIKI.acsUrl);
  const sessionIndex = /SessionIndex="([^"]+)"/.exec(acmeXml)?.[1];
  assert.ok(sessionIndex);
  return { contoso, wiki, browser, sessionIndex };
}

/** The LogoutRequest the step page at `/signout/continue` sends the browser to (the link's URL). */
function stepRequest(page: string): { location: string; decoded: ReturnType<typeof decodeRedirect> } {
  const href = /<a class="button" href="([^"]+)">Continue to/.exec(page)?.[1];
  assert.ok(href, `no step link in:\n${page.slice(0, 600)}`);
  const location = decodeEntities(href);
  return { location, decoded: decodeRedirect(rawQuery(location)) };
}

/** The application's LogoutResponse, by HTTP-Redirect to the Directory's SLO endpoint. */
function answer(
  tenantId: string,
  issuer: string,
  inResponseTo: string,
  relayState: string | null,
  clock: TestIdp['clock'],
  status?: { code: string },
): string {
  const xml = buildLogoutResponse({
    id: requestId(),
    inResponseTo,
    issueInstant: clock.now(),
    issuer,
    destination: `http://127.0.0.1:4000/${tenantId}/saml2`,
    status,
  });
  return encodeRedirect({
    location: `/${tenantId}/saml2`,
    parameter: 'SAMLResponse',
    xml,
    relayState: relayState ?? undefined,
  });
}

for (const dialect of DIALECTS) {
  describe(`single logout from the Directory on ${dialect}`, () => {
    test('Sign out sends each application of the session a signed LogoutRequest in turn and names the one that did not answer', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, browser, sessionIndex } = await signedInToTwo(idp);
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);

      const out = await browser.post('/signout', {});
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/signout/continue');
      assert.equal((await browser.get('/myapps')).statusCode, 303, 'the SSO session ended at once');

      // Sentry first (the order the session met them), by HTTP-Redirect, signed with Sentry's key.
      const first = stepRequest((await browser.get('/signout/continue')).body);
      assert.ok(first.location.startsWith(`${ACME_SLO}?SAMLRequest=`));
      verifyRedirectSignature(first.decoded, { keys: certificates.map((c) => c.publicKey) });
      const request = parseLogoutRequest(first.decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedDestination: ACME_SLO,
      });
      assert.equal(request.nameId.value, 'B.Simon@contoso.com');
      assert.deepEqual(request.sessionIndexes, [sessionIndex]);
      assert.ok(first.decoded.relayState, 'RelayState carries the sign-out key');

      const back = await browser.get(
        answer(contoso.tenant.id, ACME.entityId, request.id, first.decoded.relayState, idp.clock),
      );
      assert.equal(back.headers.location, '/signout/continue');

      // Then the Wiki, which never answers: coming back to the step page skips it.
      const second = stepRequest((await browser.get('/signout/continue')).body);
      assert.ok(second.location.startsWith(`${WIKI.slo}?SAMLRequest=`));
      assert.equal(second.decoded.relayState, first.decoded.relayState);
      const done = await browser.get('/signout/continue');
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /You signed out of your account/);
      assert.match(done.body, /Team Wiki may still be signed in/);
      assert.doesNotMatch(done.body, /Sentry may still be signed in/);
      assert.equal((await browser.get('/signout/continue')).headers.location, '/signed-out');
    });

    test('an answer with another status or from another Issuer leaves the application listed', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, browser } = await signedInToTwo(idp);
      await browser.post('/signout', {});
      const first = stepRequest((await browser.get('/signout/continue')).body);
      const acmeId = parseLogoutRequest(first.decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
      }).id;
      // Sentry answers, but as the Wiki: refused.
      await browser.get(
        answer(contoso.tenant.id, WIKI.entityId, acmeId, first.decoded.relayState, idp.clock),
      );
      const second = stepRequest((await browser.get('/signout/continue')).body);
      const wikiId = parseLogoutRequest(second.decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
      }).id;
      // The Wiki answers with a failed status.
      const refused = await browser.get(
        answer(contoso.tenant.id, WIKI.entityId, wikiId, second.decoded.relayState, idp.clock, {
          code: STATUS.responder,
        }),
      );
      assert.equal(refused.headers.location, '/signout/continue');
      const done = await browser.get('/signout/continue');
      assert.match(done.body, /Sentry may still be signed in/);
      assert.match(done.body, /Team Wiki may still be signed in/);

      // A LogoutResponse with no sign-out waiting is refused with a page.
      const stray = await browser.get(answer(contoso.tenant.id, WIKI.entityId, wikiId, null, idp.clock));
      assert.equal(stray.statusCode, 400);
    });

    test('a LogoutRequest from one application signs the others out first, then answers it with its RelayState', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, browser } = await signedInToTwo(idp);
      const xml = buildLogoutRequest({
        id: '_acme-logout',
        issueInstant: idp.clock.now(),
        issuer: ACME.entityId,
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: { value: 'B.Simon@contoso.com' },
      });
      const started = await browser.get(
        encodeRedirect({
          location: '/contoso.com/saml2',
          parameter: 'SAMLRequest',
          xml,
          relayState: 'acme-state',
        }),
      );
      assert.equal(started.headers.location, '/signout/continue');
      const step = stepRequest((await browser.get('/signout/continue')).body);
      assert.ok(step.location.startsWith(`${WIKI.slo}?SAMLRequest=`), 'only the other application');
      const wikiId = parseLogoutRequest(step.decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
      }).id;
      await browser.get(answer(contoso.tenant.id, WIKI.entityId, wikiId, step.decoded.relayState, idp.clock));
      const last = await browser.get('/signout/continue');
      assert.equal(last.statusCode, 303);
      const location = String(last.headers.location);
      assert.ok(location.startsWith(`${ACME_SLO}?SAMLResponse=`));
      const decoded = decodeRedirect(rawQuery(location));
      assert.equal(decoded.relayState, 'acme-state');
      const response = parseLogoutResponse(decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedInResponseTo: '_acme-logout',
        expectedDestination: ACME_SLO,
      });
      assert.equal(response.status.subCode, null, 'every application signed out: no PartialLogout');
      assert.equal((await browser.get('/myapps')).statusCode, 303);
    });

    test('when another application may still be signed in, the initiating one is told PartialLogout', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, browser } = await signedInToTwo(idp);
      const xml = buildLogoutRequest({
        id: '_acme-logout-2',
        issueInstant: idp.clock.now(),
        issuer: ACME.entityId,
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: { value: 'B.Simon@contoso.com' },
      });
      await browser.get(encodeRedirect({ location: '/contoso.com/saml2', parameter: 'SAMLRequest', xml }));
      await browser.get('/signout/continue');
      const last = await browser.get('/signout/continue');
      const decoded = decodeRedirect(rawQuery(String(last.headers.location)));
      assert.match(decoded.xml, /urn:oasis:names:tc:SAML:2\.0:status:PartialLogout/);
    });
    test('an application whose metadata offers single logout by HTTP-POST only gets a signed LogoutRequest posted, and may answer by POST', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, wiki, browser } = await signedInToTwo(idp);
      await applySpMetadata(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        wiki.id,
        buildSpMetadata({
          entityId: WIKI.entityId,
          acs: [{ location: WIKI.acsUrl, index: 0, isDefault: true }],
          slo: [{ location: WIKI.slo, binding: BINDING.post }],
          authnRequestsSigned: false,
          wantAssertionsSigned: true,
        }),
      );
      const xml = buildLogoutRequest({
        id: '_acme-logout-3',
        issueInstant: idp.clock.now(),
        issuer: ACME.entityId,
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: { value: 'B.Simon@contoso.com' },
      });
      await browser.get(encodeRedirect({ location: '/contoso.com/saml2', parameter: 'SAMLRequest', xml }));
      const page = (await browser.get('/signout/continue')).body;
      const action = /<form id="federa-saml-post" method="post" action="([^"]*)"/.exec(page)?.[1];
      assert.equal(action, WIKI.slo);
      const form = {
        samlRequest: inputValue(page, 'SAMLRequest') ?? '',
        relayState: inputValue(page, 'RelayState'),
      };
      const wikiKeys = (await metadataCertificates(idp.app, contoso.tenant, wiki)).map((c) => c.publicKey);
      const request = parseLogoutRequest(Buffer.from(form.samlRequest, 'base64').toString('utf8'), {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedDestination: WIKI.slo,
        keys: wikiKeys,
        requireSignature: true,
      });
      assert.equal(
        request.signed,
        true,
        'an enveloped signature with the Wiki’s certificate of the Directory',
      );
      // The Wiki answers by HTTP-POST (cross-site: the Directory's SameSite=None cookie comes along).
      const answered = await browser.post(
        `/${contoso.tenant.id}/saml2`,
        {
          SAMLResponse: Buffer.from(
            buildLogoutResponse({
              id: requestId(),
              inResponseTo: request.id,
              issueInstant: idp.clock.now(),
              issuer: WIKI.entityId,
              destination: idpOf(contoso.tenant).ssoUrl,
            }),
          ).toString('base64'),
          RelayState: form.relayState ?? '',
        },
        { csrf: false },
      );
      assert.equal(answered.headers.location, '/signout/continue');
      const last = await browser.get('/signout/continue');
      const response = decodeRedirect(rawQuery(String(last.headers.location)));
      assert.doesNotMatch(response.xml, /PartialLogout/, 'the Wiki confirmed');
    });

    test('an application that takes single logout by HTTP-POST only gets its LogoutResponse posted, signed', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { contoso, wiki, browser } = await signedInToTwo(idp);
      await applySpMetadata(
        idp.deps,
        TEST_ACTOR,
        contoso.tenant.id,
        wiki.id,
        buildSpMetadata({
          entityId: WIKI.entityId,
          acs: [{ location: WIKI.acsUrl, index: 0, isDefault: true }],
          slo: [{ location: WIKI.slo, binding: BINDING.post }],
          authnRequestsSigned: false,
          wantAssertionsSigned: true,
        }),
      );
      const xml = buildLogoutRequest({
        id: '_wiki-logout',
        issueInstant: idp.clock.now(),
        issuer: WIKI.entityId,
        destination: idpOf(contoso.tenant).ssoUrl,
        nameId: { value: 'B.Simon@contoso.com' },
      });
      await browser.post(
        `/${contoso.tenant.id}/saml2`,
        { SAMLRequest: Buffer.from(xml).toString('base64'), RelayState: 'wiki-state' },
        { csrf: false },
      );
      // Sentry (by Redirect) first, which answers; then the Wiki's LogoutResponse, posted.
      const step = stepRequest((await browser.get('/signout/continue')).body);
      const acmeId = parseLogoutRequest(step.decoded.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
      }).id;
      await browser.get(answer(contoso.tenant.id, ACME.entityId, acmeId, step.decoded.relayState, idp.clock));
      const posted = samlPostOf((await browser.get('/signout/continue')).body);
      assert.equal(posted.action, WIKI.slo);
      assert.equal(posted.relayState, 'wiki-state');
      const response = parseLogoutResponse(posted.xml, {
        clock: idp.clock,
        expectedIssuer: idpOf(contoso.tenant).entityId,
        expectedInResponseTo: '_wiki-logout',
        expectedDestination: WIKI.slo,
        keys: (await metadataCertificates(idp.app, contoso.tenant, wiki)).map((c) => c.publicKey),
        requireSignature: true,
      });
      assert.equal(response.signed, true);
    });

    test('a sign-out left unfinished does not end a session signed in since in the same browser', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const { browser } = await signedInToTwo(idp);
      await browser.post('/signout', {});
      stepRequest((await browser.get('/signout/continue')).body);
      // Sentry never answers; B.Simon signs in again, then comes Back to the old step page.
      await browser.signIn('B.Simon@contoso.com', USER_PASSWORD);
      assert.equal((await browser.get('/myapps')).statusCode, 200);
      assert.equal((await browser.get('/signout/continue')).headers.location, '/myapps');
      assert.equal((await browser.get('/myapps')).statusCode, 200, 'still signed in');
    });
  });
}
