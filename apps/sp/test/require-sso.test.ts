import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildLogoutRequest, encodeRedirect } from '@federa/saml';
import { DIALECTS } from '../../../test/support/databases.ts';
import { startApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, TestIdp } from './support/idp.ts';
import { setOptions, ssoOrganization, ssoSignIn } from './support/sso.ts';

for (const dialect of DIALECTS) {
  describe(`Require SSO on ${dialect}`, () => {
    test('members without a live SSO session are sent through SSO; the API answers 401 sso-required', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { requireSso: true, sessionHours: 1 });

      // A password session of a member (the owner signs in afresh with the password).
      const member = t.browser();
      await member.get('/auth/login/');
      await member.post('/auth/login/', { email: 'owner@acme.test', password: 'correct horse battery' });
      const page = await member.get('/organizations/acme/');
      assert.equal(page.statusCode, 303);
      assert.equal(location(page), '/auth/login/acme/?next=%2Forganizations%2Facme%2F');
      const api = await member.get('/api/0/organizations/acme/');
      assert.equal(api.statusCode, 401);
      assert.deepEqual(api.json(), { detail: { code: 'sso-required', loginUrl: '/auth/login/acme/' } });
      // Owners keep the auth settings, so that a broken IdP cannot lock the organization out.
      assert.equal((await member.get('/settings/acme/auth/')).statusCode, 200);

      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200);
      assert.equal((await bsimon.get('/api/0/organizations/acme/')).json().slug, 'acme');
      // The SSO session lasts the length set (1 hour), then the member goes through SSO again.
      t.clock.advance(3601);
      assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 303);
    });

    test("the IdP's LogoutRequest ends the SSO session and is answered with a LogoutResponse", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
      const session = await t.ctx.db
        .selectFrom('sso_sessions')
        .selectAll()
        .where('name_id', '=', BSIMON.email)
        .executeTakeFirstOrThrow();
      const url = encodeRedirect({
        location: 'http://localhost:5000/saml/sls/acme/',
        parameter: 'SAMLRequest',
        xml: buildLogoutRequest({
          id: '_logout1',
          issueInstant: t.clock.now(),
          issuer: idp.entityId,
          destination: 'http://localhost:5000/saml/sls/acme/',
          nameId: { value: BSIMON.email, format: session.name_id_format },
          sessionIndexes: session.session_index ? [session.session_index] : [],
        }),
      });
      const answered = await bsimon.get(url.slice('http://localhost:5000'.length));
      assert.equal(answered.statusCode, 303);
      assert.ok(location(answered).startsWith(`${idp.ssoUrl}?SAMLResponse=`));
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
      const ended = await t.ctx.db
        .selectFrom('sso_sessions')
        .select('ended_at')
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      assert.ok(ended.ended_at);
    });
  });
}

describe('single logout started here', () => {
  test('signing out sends a LogoutRequest to the IdP where the organization turned it on, and takes its answer', async (c) => {
    const { decodeRedirect, parseLogoutRequest, rawQuery, buildLogoutResponse } = await import(
      '@federa/saml'
    );
    const t = await startApp('sqlite');
    c.after(() => t.close());
    const idp = await TestIdp.create();
    const owner = await ssoOrganization(t, 'acme', idp);
    await setOptions(owner, 'acme', { singleLogout: true });
    const bsimon = t.browser();
    await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
    await bsimon.get('/organizations/acme/');
    const out = await bsimon.post('/auth/logout/');
    assert.equal(out.statusCode, 200);
    const idpUrl =
      /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(out.body)?.[1]?.replaceAll('&#38;', '&') ??
      '';
    assert.ok(idpUrl.startsWith(`${idp.ssoUrl}?SAMLRequest=`), idpUrl);
    const request = parseLogoutRequest(decodeRedirect(rawQuery(idpUrl)).xml, {
      clock: t.clock,
      expectedIssuer: 'http://localhost:5000/saml/metadata/acme/',
    });
    assert.equal(request.nameId.value, BSIMON.email);
    assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
    const answer = encodeRedirect({
      location: 'http://localhost:5000/saml/sls/acme/',
      parameter: 'SAMLResponse',
      xml: buildLogoutResponse({
        id: '_lr1',
        inResponseTo: request.id,
        issueInstant: t.clock.now(),
        issuer: idp.entityId,
        destination: 'http://localhost:5000/saml/sls/acme/',
      }),
    });
    const back = await bsimon.get(answer.slice('http://localhost:5000'.length));
    assert.equal(location(back), '/');
    assert.match((await bsimon.get('/')).body, /signed out here and at your identity provider/);
  });
});
