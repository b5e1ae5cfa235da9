import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  decodeRedirect,
  encodeRedirect,
  parseLogoutRequest,
  rawQuery,
  STATUS,
} from '@federa/saml';
import { DIALECTS } from '../../../test/support/databases.ts';
import { LOGOUT_ANSWER_SECONDS } from '../src/sso/sign-out-at-idp.ts';
import { BASE, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { BSIMON, TestIdp, type TestUser } from './support/idp.ts';
import { setOptions, ssoOrganization, ssoSignIn } from './support/sso.ts';

// Single logout both ways at the Workspace: "Sign out" of an SSO session asks the IdP and says what
// the IdP answered (SAML Profiles §4.4.3.1); an IdP's LogoutRequest ends only the session it names.

const SLS = `${BASE}/saml/sls/acme/`;
const ENTITY_ID = `${BASE}/saml/metadata/acme/`;
const EVE: TestUser = { objectId: '0b3e9a8c-5f5c-4d3e-9b8a-2f4f1c6d7e99', email: 'eve@contoso.com' };

async function ssoRow(t: TestApp, email: string) {
  return t.ctx.db
    .selectFrom('sso_sessions')
    .selectAll()
    .where('name_id', '=', email)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
}

/** B.Simon signed in to acme through the IdP, with single logout on; her sign-out sent to the IdP. */
async function signingOut(t: TestApp, idp: TestIdp): Promise<{ bsimon: Browser; requestId: string }> {
  const owner = await ssoOrganization(t, 'acme', idp);
  await setOptions(owner, 'acme', { singleLogout: true });
  const bsimon = t.browser();
  await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
  assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
  await bsimon.get('/organizations/acme/');
  const out = await bsimon.post('/auth/logout/');
  const idpUrl =
    /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(out.body)?.[1]?.replaceAll('&#38;', '&') ?? '';
  assert.ok(idpUrl.startsWith(`${idp.ssoUrl}?SAMLRequest=`), idpUrl);
  const request = parseLogoutRequest(decodeRedirect(rawQuery(idpUrl)).xml, {
    clock: t.clock,
    expectedIssuer: ENTITY_ID,
  });
  return { bsimon, requestId: request.id };
}

/** The IdP's LogoutResponse by HTTP-Redirect, as a path on the Workspace. */
function answer(
  t: TestApp,
  idp: TestIdp,
  inResponseTo: string,
  options: { status?: { code: string }; issuer?: string } = {},
): string {
  return encodeRedirect({
    location: SLS,
    parameter: 'SAMLResponse',
    xml: buildLogoutResponse({
      id: `_answer${Date.now()}`,
      inResponseTo,
      issueInstant: t.clock.now(),
      issuer: options.issuer ?? idp.entityId,
      destination: SLS,
      status: options.status,
    }),
  }).slice(BASE.length);
}

for (const dialect of DIALECTS) {
  describe(`signing out of an SSO session at the IdP on ${dialect}`, () => {
    test('the SSO session ends when the IdP answers Success, and the page says both are signed out', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { bsimon, requestId } = await signingOut(t, idp);
      // The browser can no longer act as B.Simon; the SSO session waits for the IdP.
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
      assert.equal((await ssoRow(t, BSIMON.email)).ended_at, null);

      const back = await bsimon.get(answer(t, idp, requestId));
      assert.equal(location(back), '/');
      assert.match((await bsimon.get('/')).body, /signed out here and at your identity provider/);
      assert.ok((await ssoRow(t, BSIMON.email)).ended_at);
    });

    test('a failed status ends the session with a page saying the IdP may not have, with a link to it', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { bsimon, requestId } = await signingOut(t, idp);
      const page = await bsimon.get(answer(t, idp, requestId, { status: { code: STATUS.responder } }));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Your Workspace session has ended/);
      assert.match(page.body, /could not sign you out/);
      assert.match(page.body, /href="https:\/\/login\.test\/"/, 'a link to the IdP');
      assert.ok((await ssoRow(t, BSIMON.email)).ended_at);
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
    });

    test('an answer naming another issuer is not taken as the IdP’s confirmation', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { bsimon, requestId } = await signingOut(t, idp);
      const page = await bsimon.get(answer(t, idp, requestId, { issuer: 'https://sts.test/other/' }));
      assert.match(page.body, /answer could not be accepted/);
      assert.ok((await ssoRow(t, BSIMON.email)).ended_at);
    });

    test('without an answer in time, the next Workspace page says the IdP may still have a session', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const { bsimon, requestId } = await signingOut(t, idp);
      t.clock.advance(LOGOUT_ANSWER_SECONDS + 1);
      const page = await bsimon.get('/auth/login/');
      assert.match(page.body, /did not answer the sign-out, so you may still be signed in there/);
      assert.ok((await ssoRow(t, BSIMON.email)).ended_at);
      // A late answer finds nothing waiting, and is ignored.
      assert.equal((await bsimon.get(answer(t, idp, requestId))).statusCode, 400);
    });

    test('a LogoutResponse no sign-out waits for changes nothing for the signed-in browser', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      await setOptions(owner, 'acme', { singleLogout: true });
      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      assert.equal((await bsimon.get(answer(t, idp, '_never-sent'))).statusCode, 400);
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
      assert.equal((await ssoRow(t, BSIMON.email)).ended_at, null);
    });

    test("an IdP's LogoutRequest naming another person's session ends nothing of this browser's", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      await ssoOrganization(t, 'acme', idp);
      const bsimon = t.browser();
      await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
      const eve = t.browser();
      await ssoSignIn(eve, t, idp, 'acme', EVE);
      const eveSession = await ssoRow(t, EVE.email);
      const simonSession = await ssoRow(t, BSIMON.email);
      const request = (id: string, nameId: string, sessionIndex: string | null) =>
        encodeRedirect({
          location: SLS,
          parameter: 'SAMLRequest',
          // Unsigned, as Entra sends them: still accepted, for the session it names.
          xml: buildLogoutRequest({
            id,
            issueInstant: t.clock.now(),
            issuer: idp.entityId,
            destination: SLS,
            nameId: { value: nameId, format: eveSession.name_id_format },
            sessionIndexes: sessionIndex ? [sessionIndex] : [],
          }),
        }).slice(BASE.length);

      // In B.Simon's browser, a request naming Eve's session: Eve's ends, B.Simon's does not.
      assert.equal(
        (await bsimon.get(request('_other', EVE.email, eveSession.session_index))).statusCode,
        303,
      );
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
      assert.equal((await ssoRow(t, BSIMON.email)).ended_at, null);
      assert.ok((await ssoRow(t, EVE.email)).ended_at);
      assert.equal((await eve.get('/api/0/users/me/')).statusCode, 401);

      // B.Simon's NameID with a SessionIndex that is not her live session's: nothing ends either.
      await bsimon.get(request('_stale', BSIMON.email, '_not-her-session'));
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
      assert.equal((await ssoRow(t, BSIMON.email)).ended_at, null);

      // Her own session, named: it ends, and the browser with it.
      await bsimon.get(request('_hers', BSIMON.email, simonSession.session_index));
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401);
    });
  });
}
