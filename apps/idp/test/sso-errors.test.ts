import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BINDING, buildSpMetadata, encodeRedirect, generateCredential } from '@federa/saml';
import { updateProperties } from '../src/applications/applications.service.ts';
import { applySpMetadata } from '../src/applications/sso-settings.service.ts';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { setAccountEnabled } from '../src/users/users.service.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';
import { ACME, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { redirectRequest } from './support/sp.ts';

/** Entra's error page: the sentence, the code, Request Id, Correlation Id, Timestamp, the admin's fix. */
function assertEntraErrorPage(body: string, code: string): void {
  assert.match(body, /Sorry, but we’re having trouble signing you in\./);
  assert.ok(body.includes(code), `page names ${code}`);
  assert.match(body, /Request Id<\/dt><dd>[0-9a-f-]{36}</);
  assert.match(body, /Correlation Id<\/dt><dd>[0-9a-f-]{36}</);
  assert.match(body, /Timestamp<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ</);
  assert.match(body, /What the administrator should change/);
}

async function lastLog(idp: TestIdp, contoso: Contoso) {
  const logs = await listSignInLogs(idp.deps.db, contoso.tenant.id);
  return logs[0]!;
}

for (const dialect of DIALECTS) {
  describe(`sign-in refusals on ${dialect}`, () => {
    test('AADSTS700016: an Identifier no application has, with the one sent and where to add it', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const request = redirectRequest(idp.clock, { issuer: 'http://localhost:5000/saml/metadata/acme' });
      const page = await new Browser(idp.app).get(request.url);
      assert.equal(page.statusCode, 400);
      assertEntraErrorPage(page.body, 'AADSTS700016');
      assert.ok(
        page.body.includes(
          'Application with identifier &#39;http://localhost:5000/saml/metadata/acme&#39; was not found in the directory &#39;Contoso&#39;',
        ),
      );
      const log = await lastLog(idp, contoso);
      assert.equal(log.result, 'failure');
      assert.equal(log.errorCode, 'AADSTS700016');
      assert.equal(log.checkName, 'known-application');
      assert.equal(log.appIdentifier, 'http://localhost:5000/saml/metadata/acme');
      assert.equal(log.correlationId, page.headers['x-correlation-id']);
    });

    test('AADSTS50011: a Reply URL that is not registered, naming it and the configured ones', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const request = redirectRequest(idp.clock, { assertionConsumerServiceUrl: 'https://evil.example/acs' });
      const page = await new Browser(idp.app).get(request.url);
      assert.equal(page.statusCode, 400);
      assertEntraErrorPage(page.body, 'AADSTS50011');
      assert.ok(
        page.body.includes(
          `does not match the reply URLs configured for the application: &#39;${contoso.app.appId}&#39;`,
        ),
      );
      assert.ok(page.body.includes('https://evil.example/acs'));
      assert.ok(page.body.includes(ACME.acsUrl));
      assert.doesNotMatch(page.body, /federa-saml-post/);
      const log = await lastLog(idp, contoso);
      assert.equal(log.errorCode, 'AADSTS50011');
      assert.equal(log.checkName, 'reply-url');
      const byIndex = await new Browser(idp.app).get(
        redirectRequest(idp.clock, {
          assertionConsumerServiceUrl: undefined,
          assertionConsumerServiceIndex: 9,
        }).url,
      );
      assertEntraErrorPage(byIndex.body, 'AADSTS50011');
    });

    test('AADSTS50105: a user who is not assigned, after signing in', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      assert.equal(page.statusCode, 403);
      assertEntraErrorPage(page.body, 'AADSTS50105');
      assert.ok(
        page.body.includes(
          `Your administrator has configured the application Sentry (&#39;${contoso.app.appId}&#39;) to block users unless they are specifically granted (&#39;assigned&#39;) access`,
        ),
      );
      const log = await lastLog(idp, contoso);
      assert.equal(log.errorCode, 'AADSTS50105');
      assert.equal(log.userId, contoso.other.id);
      assert.equal(log.checkName, 'assignment');
    });

    test('a member of an assigned group gets in; with assignment not required anyone of the tenant does', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const { createGroup, addMember } = await import('../src/groups/groups.service.ts');
      const { assign } = await import('../src/assignments/assignments.service.ts');
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        displayName: 'Sentry users',
      });
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.other.id);
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'group',
        principalId: group.id,
      });
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      assert.equal(page.statusCode, 200);
      samlPostOf(page.body);
      const { createUser } = await import('../src/users/users.service.ts');
      await createUser(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        userPrincipalName: 'N.Ew@contoso.com',
        displayName: 'N.Ew',
        password: USER_PASSWORD,
      });
      const newcomer = new Browser(idp.app);
      const refused = await newcomer.signIn(
        'N.Ew@contoso.com',
        USER_PASSWORD,
        await newcomer.follow(await newcomer.get(redirectRequest(idp.clock).url)),
      );
      assert.equal(refused.statusCode, 403);
      await updateProperties(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        displayName: 'Sentry',
        enabledForSignIn: true,
        assignmentRequired: false,
        visibleToUsers: true,
      });
      const admitted = await newcomer.get(redirectRequest(idp.clock).url);
      assert.equal(admitted.statusCode, 200);
      samlPostOf(admitted.body);
    });

    test('AADSTS50057: a user whose sign-in is blocked, with the right password', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, false);
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      assert.equal(page.statusCode, 403);
      assertEntraErrorPage(page.body, 'AADSTS50057');
      const log = await lastLog(idp, contoso);
      assert.equal(log.errorCode, 'AADSTS50057');
      assert.equal(log.userId, contoso.simon.id);
      assert.equal(log.applicationId, contoso.app.id);
    });

    test('a user blocked while signed in is refused at the next application request', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, false);
      const next = await browser.get(redirectRequest(idp.clock).url);
      assert.equal(next.statusCode, 303, 'the session no longer counts: back to the sign-in page');
    });

    test('AADSTS50126: a wrong password shows the sign-in page again with the error beside the field', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const page = await browser.signIn(
        'B.Simon@contoso.com',
        'wrong-password',
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      assert.equal(page.statusCode, 401);
      assert.match(page.body, /Your account or password is incorrect/);
      assert.match(page.body, /aria-invalid="true"/);
      assert.match(page.body, /AADSTS50126/);
      assert.match(page.body, /name="flow"/, 'the waiting sign-in is kept');
      assert.doesNotMatch(page.body, /wrong-password/);
      const log = await lastLog(idp, contoso);
      assert.equal(log.errorCode, 'AADSTS50126');
      assert.equal(log.userId, contoso.simon.id);
      assert.equal(log.checkName, 'password');
      const unknown = await browser.signIn('nobody@contoso.com', 'whatever', page);
      assert.equal(unknown.statusCode, 401);
      assert.match(
        unknown.body,
        /Your account or password is incorrect/,
        'the same words for an unknown user',
      );
      assert.equal((await lastLog(idp, contoso)).errorCode, 'AADSTS50034');
    });

    test('AADSTS50053: the 10th wrong password locks the account 60 s (even for the right one), then each lockout doubles', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      let page = await browser.follow(await browser.get(redirectRequest(idp.clock).url));
      for (let i = 0; i < 10; i++) page = await browser.signIn('B.Simon@contoso.com', `wrong-${i}`, page);
      const locked = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, page);
      assert.equal(locked.statusCode, 401);
      assert.match(locked.body, /temporarily locked/);
      assert.match(locked.body, /AADSTS50053/);
      assert.equal((await lastLog(idp, contoso)).errorCode, 'AADSTS50053');
      idp.clock.advance(61);
      const relocked = await browser.signIn('B.Simon@contoso.com', 'wrong-again', locked);
      assert.equal(relocked.statusCode, 401);
      idp.clock.advance(61);
      assert.match(
        (await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, relocked)).body,
        /AADSTS50053/,
        'the second lockout lasts 120 s',
      );
      idp.clock.advance(60);
      const ok = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, relocked);
      assert.equal(ok.statusCode, 200);
      samlPostOf(ok.body);
    });

    test('AADSTS7000112 for a disabled application; AADSTS750054, 75005 and 90015 for what is not a sign-in request', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await updateProperties(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        displayName: 'Sentry',
        enabledForSignIn: false,
        assignmentRequired: true,
        visibleToUsers: true,
      });
      const disabled = await browser.get(redirectRequest(idp.clock).url);
      assert.equal(disabled.statusCode, 403);
      assertEntraErrorPage(disabled.body, 'AADSTS7000112');
      assertEntraErrorPage((await browser.get('/contoso.com/saml2')).body, 'AADSTS750054');
      assertEntraErrorPage(
        (await browser.get('/contoso.com/saml2?SAMLRequest=not-deflate%21')).body,
        'AADSTS75005',
      );
      const notXml = encodeRedirect({
        location: '/contoso.com/saml2',
        parameter: 'SAMLRequest',
        xml: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
      });
      assertEntraErrorPage((await browser.get(notXml)).body, 'AADSTS75005');
      const unknownTenant = await browser.get(
        redirectRequest(idp.clock, { tenantSegment: 'fabrikam.com' }).url,
      );
      assert.equal(unknownTenant.statusCode, 404);
      assertEntraErrorPage(unknownTenant.body, 'AADSTS90015');
      const codes = (await listSignInLogs(idp.deps.db, contoso.tenant.id)).map((l) => l.errorCode).sort();
      assert.deepEqual(codes, ['AADSTS7000112', 'AADSTS75005', 'AADSTS75005', 'AADSTS750054']);
    });

    test('AADSTS76026 for a stale or future IssueInstant, AADSTS75008 for another Destination, AADSTS75003 for a Redirect response binding', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const stale = redirectRequest(idp.clock);
      idp.clock.advance(9 * 60);
      assertEntraErrorPage((await browser.get(stale.url)).body, 'AADSTS76026');
      idp.clock.advance(10 * 60);
      const future = redirectRequest(idp.clock);
      idp.clock.advance(-10 * 60);
      assertEntraErrorPage((await browser.get(future.url)).body, 'AADSTS76026');
      assertEntraErrorPage(
        (await browser.get(redirectRequest(idp.clock, { destination: 'https://login.example/saml2' }).url))
          .body,
        'AADSTS75008',
      );
      assertEntraErrorPage(
        (await browser.get(redirectRequest(idp.clock, { protocolBinding: BINDING.redirect }).url)).body,
        'AADSTS75003',
      );
    });

    test('a signed AuthnRequest is verified with the certificate from the uploaded SP metadata: AADSTS76021 when it does not verify', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const sp = await generateCredential({ cn: 'acme SP' });
      const attacker = await generateCredential({ cn: 'attacker' });
      const metadata = buildSpMetadata({
        entityId: ACME.entityId,
        acs: [{ location: ACME.acsUrl, index: 0, isDefault: true }],
        slo: [{ location: 'http://localhost:5000/saml/sls/acme/' }],
        signingCertificates: [sp.credential.certificate],
        authnRequestsSigned: true,
        wantAssertionsSigned: true,
      });
      await applySpMetadata(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, metadata);
      const browser = new Browser(idp.app);
      const signedBy = (key: typeof sp) => {
        const { xml } = redirectRequest(idp.clock);
        return encodeRedirect({
          location: '/contoso.com/saml2',
          parameter: 'SAMLRequest',
          xml,
          sign: { privateKey: key.credential.privateKey },
        });
      };
      assert.equal(
        (await browser.get(signedBy(sp))).statusCode,
        303,
        'signed by the SP: on to the sign-in page',
      );
      const forged = await browser.get(signedBy(attacker));
      assertEntraErrorPage(forged.body, 'AADSTS76021');
      assert.equal((await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!.checkName, 'signature');
    });
  });
}
