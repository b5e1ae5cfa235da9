import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildLogoutRequest, encodeRedirect } from '@federa/saml';
import { DIALECTS } from '../../../test/support/databases.ts';
import { publicReason } from '../src/acs/failure.pages.ts';
import { fixFor } from '../src/attempts/fixes.ts';
import { createdOrganization, signedUp, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { authnRequestFrom, BSIMON, TestIdp } from './support/idp.ts';
import {
  failureCode,
  OWNER_AT_IDP,
  providerOf,
  setOptions,
  ssoOrganization,
  ssoSignIn,
  startLogin,
} from './support/sso.ts';

// Issue 10 and issue 12 item 2: an IdP that can only sign with SHA-1 (Entra offers it; so does Federa
// Directory) is refused unless the organization turns on "Allow SHA-1 signatures (insecure)", and a
// refusal names the algorithm and the setting rather than blaming the certificate.

const SETTING = /“Allow SHA-1 signatures \(insecure\)” under Settings → Auth → Settings/;

/** A SHA-1-signed response for B.Simon answering this browser's own sign-in at acme. */
async function sha1SignIn(browser: Browser, t: TestApp, idp: TestIdp) {
  const request = await startLogin(browser, t, 'acme');
  const response = await idp.respond({
    slug: 'acme',
    inResponseTo: request.id,
    user: BSIMON,
    clock: t.clock,
    algorithm: 'rsa-sha1',
  });
  return browser.crossSitePost('/saml/acs/acme/', { ...response, RelayState: request.relayState ?? '' });
}

async function auditActions(t: TestApp): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('audit_log').select('action').orderBy('created_at').execute();
  return rows.map((r) => r.action).filter((a) => a.startsWith('sso.sha1-'));
}

describe('SHA-1 refusals in words', () => {
  test('point to the setting only when SHA-1 alone was refused, never for an algorithm it cannot allow', () => {
    const sha1Digest = { algorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' };
    const hmac = { algorithm: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' };
    assert.match(fixFor('SIGNATURE_ALGORITHM_FORBIDDEN', sha1Digest, null), SETTING);
    assert.match(publicReason('SIGNATURE_ALGORITHM_FORBIDDEN', sha1Digest), SETTING);
    assert.doesNotMatch(fixFor('SIGNATURE_ALGORITHM_FORBIDDEN', hmac, null), /Allow SHA-1/);
    assert.doesNotMatch(publicReason('SIGNATURE_ALGORITHM_FORBIDDEN', hmac), /Allow SHA-1|certificate this/);
    assert.doesNotMatch(publicReason('SIGNATURE_KEY_UNTRUSTED', sha1Digest), /Allow SHA-1/);
  });
});

for (const dialect of DIALECTS) {
  describe(`SHA-1 signatures on ${dialect}`, () => {
    test('refuses a SHA-1-signed response by default, naming the algorithm and the setting, not the certificate', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const page = await sha1SignIn(t.browser(), t, idp);
      assert.equal(page.statusCode, 400);
      assert.equal(failureCode(page), 'SIGNATURE_ALGORITHM_FORBIDDEN');
      assert.match(page.body, /signed its response with SHA-1/);
      assert.match(page.body, SETTING);
      assert.doesNotMatch(page.body, /certificate this organization trusts/);

      const reference = String(page.headers['x-correlation-id']);
      const logged = await t.ctx.db
        .selectFrom('sso_attempts')
        .selectAll()
        .where('id', '=', reference)
        .executeTakeFirstOrThrow();
      assert.equal(logged.check_name, 'validate-response');
      assert.equal(logged.error_code, 'SIGNATURE_ALGORITHM_FORBIDDEN');
      const attempts = (await owner.get('/settings/acme/auth/attempts/')).body;
      assert.ok(attempts.includes(reference));
      assert.match(attempts, /signed with SHA-1 \(http:\/\/www\.w3\.org\/2000\/09\/xmldsig#rsa-sha1\)/);
      assert.match(attempts, SETTING);
      assert.doesNotMatch(attempts, /not signed by a certificate configured here/);
      // Nobody was signed in.
      assert.equal(
        await t.ctx.db
          .selectFrom('identities')
          .select('id')
          .where('email', '=', BSIMON.email)
          .executeTakeFirst(),
        undefined,
      );
    });

    test('with the setting on, the same SHA-1-signed response signs the person in; off again, SHA-1 is refused', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      // Unsolicited, so that the very response refused first can be posted again.
      const response = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock: t.clock,
        algorithm: 'rsa-sha1',
      });
      const refused = await t.browser().crossSitePost('/saml/acs/acme/', response);
      assert.equal(failureCode(refused), 'SIGNATURE_ALGORITHM_FORBIDDEN');

      await setOptions(owner, 'acme', { allowSha1: true });
      const browser = t.browser();
      const accepted = await browser.crossSitePost('/saml/acs/acme/', response);
      assert.equal(accepted.statusCode, 303, accepted.body.slice(0, 1500));
      assert.equal(location(accepted), '/organizations/acme/');
      assert.equal((await browser.get('/api/0/users/me/')).json().email, BSIMON.email);
      // SHA-256 is still accepted beside it.
      assert.equal((await ssoSignIn(t.browser(), t, idp, 'acme', BSIMON)).statusCode, 303);

      await setOptions(owner, 'acme', { allowSha1: false });
      assert.equal(failureCode(await sha1SignIn(t.browser(), t, idp)), 'SIGNATURE_ALGORITHM_FORBIDDEN');
    });

    test('the settings page warns about SHA-1, and turning it on or off is audited', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const off = (await owner.get('/settings/acme/auth/')).body;
      assert.match(
        off,
        /<input type="checkbox" name="allowSha1" value="1" aria-describedby="f-allowSha1-warning">/,
      );
      assert.match(
        off,
        /Allow SHA-1 signatures \(insecure\)<\/label><p class="error" id="f-allowSha1-warning"><strong>Warning:<\/strong> SHA-1 is broken/,
      );
      assert.match(off, /<dt>Signature algorithms<\/dt><dd>SHA-256 or stronger<\/dd>/);
      assert.equal((await providerOf(t, 'acme'))!.allowSha1, false, 'off by default');

      await setOptions(owner, 'acme', { allowSha1: true });
      const on = (await owner.get('/settings/acme/auth/')).body;
      assert.match(on, /name="allowSha1" value="1" aria-describedby="f-allowSha1-warning" checked>/);
      assert.match(on, /<span class="badge bad">SHA-1 accepted \(insecure\)<\/span>/);
      assert.deepEqual(await auditActions(t), ['sso.sha1-allowed']);
      const entry = await t.ctx.db
        .selectFrom('audit_log')
        .innerJoin('users', 'users.id', 'audit_log.actor_user_id')
        .select(['users.email', 'audit_log.detail'])
        .where('audit_log.action', '=', 'sso.sha1-allowed')
        .executeTakeFirstOrThrow();
      assert.equal(entry.email, 'owner@acme.test');
      assert.equal(JSON.parse(entry.detail).entityId, idp.entityId);
      assert.match((await owner.get('/settings/acme/audit-log/')).body, /data-action="sso.sha1-allowed"/);

      // Saving other settings leaves it on and adds no entry of its own; turning it off does.
      await setOptions(owner, 'acme', { allowSha1: true, requireSso: true });
      assert.deepEqual(await auditActions(t), ['sso.sha1-allowed']);
      t.clock.advance(1);
      await setOptions(owner, 'acme', { allowSha1: false });
      assert.deepEqual(await auditActions(t), ['sso.sha1-allowed', 'sso.sha1-disallowed']);
    });

    test('an IdP set to SHA-1, as Federa Directory signs then (metadata too), is configured, and finishes setup once SHA-1 is allowed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/auth/configure/active-directory/');
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'xml',
        metadataXml: idp.metadata({ signedWith: 'rsa-sha1' }),
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
      const testAndFinish = async () => {
        await owner.get('/settings/acme/auth/');
        const started = await owner.post('/settings/acme/auth/test/');
        const request = authnRequestFrom(location(started), t.clock);
        const response = await idp.respond({
          slug: 'acme',
          inResponseTo: request.id,
          user: OWNER_AT_IDP,
          clock: t.clock,
          algorithm: 'rsa-sha1',
        });
        return owner.crossSitePost('/saml/acs/acme/', { ...response, RelayState: request.relayState ?? '' });
      };
      const refused = await testAndFinish();
      assert.equal(failureCode(refused), 'SIGNATURE_ALGORITHM_FORBIDDEN');
      assert.match(refused.body, SETTING);
      assert.equal((await providerOf(t, 'acme'))!.status, 'pending');

      await setOptions(owner, 'acme', { allowSha1: true });
      const done = await testAndFinish();
      assert.equal(done.statusCode, 303, done.body.slice(0, 1500));
      assert.equal((await providerOf(t, 'acme'))!.status, 'active');
    });

    test("the IdP's SHA-1-signed logout requests (Redirect and POST) are refused by default and taken once SHA-1 is allowed", async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await ssoOrganization(t, 'acme', idp);
      const sls = 'http://localhost:5000/saml/sls/acme/';
      const logoutXml = async (id: string, signed: boolean) => {
        const session = await t.ctx.db
          .selectFrom('sso_sessions')
          .selectAll()
          .where('name_id', '=', BSIMON.email)
          .where('ended_at', 'is', null)
          .executeTakeFirstOrThrow();
        return buildLogoutRequest({
          id,
          issueInstant: t.clock.now(),
          issuer: idp.entityId,
          destination: sls,
          nameId: { value: BSIMON.email, format: session.name_id_format },
          sessionIndexes: session.session_index ? [session.session_index] : [],
          sign: signed ? { credential: idp.signer.credential, algorithm: 'rsa-sha1' } : undefined,
        });
      };
      const viaRedirect = async (browser: Browser, id: string) => {
        const url = encodeRedirect({
          location: sls,
          parameter: 'SAMLRequest',
          xml: await logoutXml(id, false),
          sign: { privateKey: idp.signer.credential.privateKey, algorithm: 'rsa-sha1' },
        });
        return browser.get(url.slice('http://localhost:5000'.length));
      };
      const viaPost = async (browser: Browser, id: string) =>
        browser.crossSitePost('/saml/sls/acme/', {
          SAMLRequest: Buffer.from(await logoutXml(id, true)).toString('base64'),
        });
      const signedIn = async () => {
        const browser = t.browser();
        assert.equal((await ssoSignIn(browser, t, idp, 'acme', BSIMON)).statusCode, 303);
        return browser;
      };

      for (const [binding, send] of [
        ['Redirect', viaRedirect],
        ['POST', viaPost],
      ] as const) {
        const bsimon = await signedIn();
        const refused = await send(bsimon, `_refused-${binding}`);
        assert.equal(refused.statusCode, 400, binding);
        assert.match(refused.body, /SIGNATURE_ALGORITHM_FORBIDDEN/);
        assert.match(refused.body, /signed it with SHA-1/);
        assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200, `${binding}: still signed in`);
        await setOptions(owner, 'acme', { allowSha1: true });
        const taken = await send(bsimon, `_taken-${binding}`);
        assert.equal(taken.statusCode, 303, taken.body.slice(0, 500));
        assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401, `${binding}: signed out`);
        await setOptions(owner, 'acme', { allowSha1: false });
      }
    });
  });
}
