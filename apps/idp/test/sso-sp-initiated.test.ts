import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AUTHN_CONTEXT,
  BINDING,
  buildAuthnRequest,
  NAMEID_FORMAT,
  POST_FORM_SCRIPT_HASH,
} from '@federa/saml';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp } from './support/harness.ts';
import { ACME, seedContoso, USER_PASSWORD } from './support/seed.ts';
import {
  acmeValidates,
  attributeOrder,
  ENTRA_CLAIM_ORDER,
  metadataCertificates,
  redirectRequest,
} from './support/sp.ts';

for (const dialect of DIALECTS) {
  describe(`SP-initiated sign-in on ${dialect}`, () => {
    test('B.Simon signs in from an HTTP-Redirect AuthnRequest and the SP gets a response with the Entra claims in Entra’s order', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const request = redirectRequest(idp.clock, { relayState: '/organizations/acme/issues/' });

      const toLogin = await browser.get(request.url);
      assert.equal(toLogin.statusCode, 303);
      const cookie = String(toLogin.headers['set-cookie']);
      assert.match(cookie, /^federa_idp_session=/);
      assert.match(cookie, /SameSite=None/i);
      assert.match(cookie, /Secure/);
      assert.match(cookie, /HttpOnly/);
      const loginPage = await browser.follow(toLogin);
      assert.equal(loginPage.statusCode, 200);
      assert.match(loginPage.body, /Sign in to Contoso/);
      assert.match(loginPage.body, /to continue to Sentry/);

      const before = [...browser.cookies.values()][0];
      const posted = await browser.signIn('b.simon@CONTOSO.com', USER_PASSWORD, loginPage);
      assert.equal(posted.statusCode, 200);
      assert.notEqual([...browser.cookies.values()][0], before, 'a new session id after sign-in');
      const csp = String(posted.headers['content-security-policy']);
      // Web URLs, not only the ACS's origin: an ACS may redirect elsewhere (post-form-redirect.test.ts).
      assert.match(csp, /form-action http: https:(;|$)/);
      assert.ok(csp.includes(`'${POST_FORM_SCRIPT_HASH}'`));
      assert.equal(posted.headers['cache-control'], 'no-store');

      const form = samlPostOf(posted.body);
      assert.equal(form.action, ACME.acsUrl);
      assert.equal(form.relayState, '/organizations/acme/issues/');
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(form.xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [request.id],
      });
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
      assert.equal(assertion.nameIdFormat, NAMEID_FORMAT.emailAddress);
      assert.equal(assertion.inResponseTo, request.id);
      assert.equal(assertion.authnContextClassRef, AUTHN_CONTEXT.password);
      assert.equal(assertion.signed.assertion, true);
      assert.equal(assertion.signed.response, false);
      assert.deepEqual(attributeOrder(form.xml), ENTRA_CLAIM_ORDER);
      assert.deepEqual(assertion.attributes['http://schemas.microsoft.com/identity/claims/tenantid'], [
        contoso.tenant.id,
      ]);
      assert.deepEqual(
        assertion.attributes['http://schemas.microsoft.com/identity/claims/objectidentifier'],
        [contoso.simon.id],
      );
      assert.deepEqual(
        assertion.attributes['http://schemas.microsoft.com/identity/claims/identityprovider'],
        [`${BASE_URL}/${contoso.tenant.id}/`],
      );
      assert.deepEqual(
        assertion.attributes['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'],
        ['B.'],
      );
      assert.deepEqual(assertion.attributes['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'], [
        'B.Simon@contoso.com',
      ]);

      const logs = await listSignInLogs(idp.deps.db, contoso.tenant.id);
      assert.equal(logs.length, 1);
      assert.equal(logs[0]!.result, 'success');
      assert.equal(logs[0]!.userId, contoso.simon.id);
      assert.equal(logs[0]!.applicationId, contoso.app.id);
      assert.equal(logs[0]!.appIdentifier, ACME.entityId);
      assert.equal(logs[0]!.ipAddress, '127.0.0.1');
      assert.match(logs[0]!.userAgent ?? '', /federa test browser/);
    });

    test('a second request in the same browser is answered at once from the SSO session, with the same AuthnInstant', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const first = redirectRequest(idp.clock);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(first.url)),
      );
      const firstCerts = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      idp.clock.advance(120);
      const second = redirectRequest(idp.clock, { tenantSegment: contoso.tenant.id });
      const answered = await browser.get(second.url);
      assert.equal(answered.statusCode, 200);
      const assertion = await acmeValidates(samlPostOf(answered.body).xml, {
        tenant: contoso.tenant,
        certificates: firstCerts,
        clock: idp.clock,
        requestIds: [second.id],
      });
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
      const age = idp.clock.now().getTime() - (assertion.authnInstant?.getTime() ?? 0);
      assert.ok(age >= 120_000 && age < 121_000, `AuthnInstant is the first sign-in's (${age} ms ago)`);
    });

    test('accepts the AuthnRequest by the HTTP-POST binding, cross-site and without a CSRF token', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const id = '_post-binding-request';
      const xml = buildAuthnRequest({
        id,
        issueInstant: idp.clock.now(),
        issuer: ACME.entityId,
        destination: `${BASE_URL}/contoso.com/saml2`,
        assertionConsumerServiceUrl: ACME.acsUrl,
        protocolBinding: BINDING.post,
      });
      const arrived = await browser.post(
        '/contoso.com/saml2',
        { SAMLRequest: Buffer.from(xml).toString('base64'), RelayState: 'opaque-key' },
        { csrf: false, headers: { origin: 'http://localhost:5000' } },
      );
      assert.equal(arrived.statusCode, 303);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(arrived),
      );
      const form = samlPostOf(posted.body);
      assert.equal(form.relayState, 'opaque-key');
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(form.xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [id],
      });
      assert.equal(assertion.inResponseTo, id);
    });

    test('sends the response to the Reply URL the request names by index, and to the default Reply URL when it names none', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const { updateBasicSaml } = await import('../src/applications/sso-settings.service.ts');
      await updateBasicSaml(
        idp.deps,
        { id: null, name: 't', correlationId: null },
        contoso.tenant.id,
        contoso.app.id,
        {
          identifiers: [{ identifier: ACME.entityId, isDefault: true }],
          replyUrls: [
            { url: 'http://localhost:5000/saml/acs/acme/other/', index: 3, isDefault: false },
            { url: ACME.acsUrl, index: 1, isDefault: true },
          ],
          signOnUrl: ACME.signOnUrl,
        },
      );
      const browser = new Browser(idp.app);
      const byIndex = redirectRequest(idp.clock, {
        assertionConsumerServiceUrl: undefined,
        assertionConsumerServiceIndex: 3,
      });
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(byIndex.url)),
      );
      assert.equal(samlPostOf(posted.body).action, 'http://localhost:5000/saml/acs/acme/other/');
      const none = redirectRequest(idp.clock, { assertionConsumerServiceUrl: undefined });
      assert.equal(samlPostOf((await browser.get(none.url)).body).action, ACME.acsUrl);
    });
  });
}
