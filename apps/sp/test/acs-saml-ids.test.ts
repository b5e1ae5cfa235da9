import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { DIALECTS } from '../../../test/support/databases.ts';
import { ENTRA_CLAIMS } from '../src/providers/attribute-mapping.ts';
import { startApp } from './support/app.ts';
import { BSIMON, TestIdp } from './support/idp.ts';
import { failureCode, ssoOrganization, startLogin } from './support/sso.ts';

/** A logger whose JSON lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info', base: { service: 'sp-test' } }, stream), lines };
}

const attemptRow = (t: Awaited<ReturnType<typeof startApp>>, id: string) =>
  t.ctx.db.selectFrom('sso_attempts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

for (const dialect of DIALECTS) {
  describe(`SSO attempts: who and the SAML ids, on ${dialect}`, () => {
    test('a user without a mailbox (Entra leaves emailaddress out) signs in by the UPN of the name claim, and the attempts log says so', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const browser = t.browser();
      const request = await startLogin(browser, t, 'acme');
      const { SAMLResponse } = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        user: { ...BSIMON, email: 'B.Simon@contoso.com', noMailbox: true },
        clock: t.clock,
      });
      const signedIn = await browser.crossSitePost('/saml/acs/acme/', {
        SAMLResponse,
        RelayState: request.relayState ?? '',
      });
      assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 1500));
      assert.equal((await browser.get('/api/0/users/me/')).json().email, 'b.simon@contoso.com');
      const row = await attemptRow(t, String(signedIn.headers['x-correlation-id']));
      assert.equal(row.outcome, 'success');
      assert.equal(row.subject_email, 'b.simon@contoso.com');
      const page = (await owner.get('/settings/acme/auth/attempts/')).body;
      assert.ok(page.includes(`email from ${ENTRA_CLAIMS.name} (no emailaddress claim)`));
    });

    test('each attempt keeps the AuthnRequest, Response and Assertion ids and who signed in; a refused one the ids as sent, also on its error page', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const browser = t.browser();
      const request = await startLogin(browser, t, 'acme');
      const response = await idp.respond({
        slug: 'acme',
        inResponseTo: request.id,
        user: BSIMON,
        clock: t.clock,
      });
      const form = { SAMLResponse: response.SAMLResponse, RelayState: request.relayState ?? '' };
      const signedIn = await browser.crossSitePost('/saml/acs/acme/', form);
      assert.equal(signedIn.statusCode, 303);
      const ok = await attemptRow(t, String(signedIn.headers['x-correlation-id']));
      assert.deepEqual(
        [ok.authn_request_id, ok.response_id, ok.assertion_id, ok.subject_name, ok.subject_email],
        [request.id, response.responseId, response.assertionId, 'B Simon', 'b.simon@contoso.com'],
      );
      assert.equal(ok.idp_user_id, BSIMON.objectId);

      // The same response again: refused, and still named by its ids (read from the message as sent).
      const again = await t.browser().crossSitePost('/saml/acs/acme/', form);
      assert.equal(again.statusCode, 400);
      const reference = String(again.headers['x-correlation-id']);
      const refused = await attemptRow(t, reference);
      assert.equal(refused.outcome, 'failure');
      assert.equal(refused.error_code, failureCode(again));
      assert.deepEqual(
        [refused.authn_request_id, refused.response_id, refused.assertion_id],
        [request.id, response.responseId, response.assertionId],
      );
      assert.match(
        again.body,
        new RegExp(`<dt>SAML Response ID</dt><dd><code>${response.responseId}</code>`),
      );

      const page = (await owner.get('/settings/acme/auth/attempts/')).body;
      for (const id of [request.id, response.responseId, response.assertionId, reference])
        assert.ok(page.includes(`<code>${id}</code>`), id);
      assert.match(page, /B Simon<br>b\.simon@contoso\.com/);
    });

    test('a response posted to an organization that does not exist is logged for the operators with its correlation id', async (c) => {
      const captured = capturedLogger();
      const t = await startApp(dialect, { logger: captured.logger });
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      // IdP-initiated, with a mistyped Reply URL.
      const response = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
        acs: 'http://localhost:5000/saml/acs/acmee/',
      });
      const posted = await t
        .browser()
        .crossSitePost('/saml/acs/acmee/', { SAMLResponse: response.SAMLResponse });
      assert.equal(posted.statusCode, 404);
      assert.equal(failureCode(posted), 'ORGANIZATION_NOT_FOUND');
      const reference = String(posted.headers['x-correlation-id']);
      assert.ok(posted.body.includes(`<code>${reference}</code>`));
      assert.ok(
        posted.body.includes(`<code>${response.responseId}</code>`),
        'the page names the IdP-side reference',
      );
      assert.doesNotMatch(posted.body, /Settings → Auth/, 'no admin of a missing organization can look');

      const line = captured.lines.find((l) => l.code === 'ORGANIZATION_NOT_FOUND');
      assert.ok(line, 'an operators’ log line');
      assert.equal(line.level, 40);
      assert.equal(line.correlationId, reference);
      assert.equal(line.organization, 'acmee');
      assert.equal(line.issuer, idp.entityId);
      assert.equal(line.responseId, response.responseId);
      assert.equal(line.assertionId, response.assertionId);
      assert.ok(
        !JSON.stringify(captured.lines).includes(response.SAMLResponse.slice(0, 40)),
        'never the message',
      );

      const row = await attemptRow(t, reference);
      assert.equal(row.organization_id, null);
      assert.equal(row.organization_slug, 'acmee');
      assert.equal(row.response_id, response.responseId);
    });
  });
}
