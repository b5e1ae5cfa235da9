import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { connectDatabase, migrateToLatest } from '@federa/kit';
import { systemRandom } from '@federa/saml';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { freshDatabaseUrl } from '../../../test/support/databases.ts';
import { buildApp } from '../src/app.ts';
import { migrations } from '../src/db/migrations.ts';
import type { IdpDatabase } from '../src/db/schema.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { DIALECTS, ManualClock, startIdp, testConfig } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { redirectRequest } from './support/sp.ts';

for (const dialect of DIALECTS) {
  describe(`security baseline on ${dialect}`, () => {
    test('no password, SAML message, session id or key reaches a log line, even at trace level without redaction', async (t) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const database = connectDatabase<IdpDatabase>(await freshDatabaseUrl(dialect));
      await migrateToLatest(database.db as unknown as Kysely<unknown>, migrations);
      const clock = new ManualClock();
      const app = await buildApp({
        database,
        config: testConfig(),
        clock,
        random: systemRandom,
        logger: pino({ level: 'trace' }, sink),
      });
      t.after(async () => {
        await app.close();
        await database.close();
      });
      const contoso = await seedContoso(app.deps);
      const browser = new Browser(app);
      const request = redirectRequest(clock);
      await browser.signIn(
        'B.Simon@contoso.com',
        'Wrong-Guess-42',
        await browser.follow(await browser.get(request.url)),
      );
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(clock).url)),
      );
      const { samlResponse } = samlPostOf(posted.body);
      const admin = new Browser(app);
      await admin.signIn('admin@contoso.com', ADMIN_PASSWORD, await admin.follow(await admin.get('/portal')));
      const created = await admin.post('/portal/users', {
        userPrincipalName: 'L.Og@contoso.com',
        displayName: 'L.Og',
        password: 'Chosen-Pa55word!',
      });
      assert.equal(created.statusCode, 201);
      const reset = await admin.post(`/portal/users/${contoso.simon.id}/reset-password`, {});
      const generated = /id="new-password">([^<]+)</.exec(reset.body)![1]!;
      const log = lines.join('');
      assert.ok(lines.length > 10, 'the requests were logged');
      assert.match(log, /"signIn":\{"result":"success"/);
      for (const secret of [
        USER_PASSWORD,
        'Wrong-Guess-42',
        ADMIN_PASSWORD,
        'Chosen-Pa55word!',
        generated,
        samlResponse.slice(0, 40),
        'SAMLRequest=',
        ...browser.cookies.values(),
        ...admin.cookies.values(),
      ]) {
        assert.ok(!log.includes(secret), `a log line contains ${secret.slice(0, 12)}…`);
      }
      assert.doesNotMatch(log, /PRIVATE KEY|argon2id|<samlp:/);
    });

    test('reflected values are escaped: an Identifier carrying markup appears as text on the error page', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      await seedContoso(idp.deps);
      const page = await new Browser(idp.app).get(
        redirectRequest(idp.clock, { issuer: 'urn:x"><script>alert(1)</script>' }).url,
      );
      assert.match(page.body, /AADSTS700016/);
      assert.doesNotMatch(page.body, /<script>alert/);
      assert.match(page.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    });

    test('pages carry a strict CSP; every portal form post needs the session’s CSRF token', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await browser.follow(await browser.get('/portal')),
      );
      const page = await browser.get('/portal/users');
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /form-action 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      const posts: Array<[string, Record<string, string>]> = [
        ['/portal/users', { userPrincipalName: 'x@contoso.com', displayName: 'X' }],
        [`/portal/users/${contoso.simon.id}/reset-password`, {}],
        ['/portal/groups', { displayName: 'G' }],
        [`/portal/applications/${contoso.app.id}/properties`, { displayName: 'S', enabledForSignIn: 'no' }],
        [`/portal/applications/${contoso.app.id}/assignments`, { principal: `user:${contoso.other.id}` }],
        [`/portal/applications/${contoso.app.id}/certificates`, {}],
        [`/portal/tenants/${contoso.tenant.id}/domains`, { domain: 'evil.example' }],
        ['/common/login', { username: 'B.Simon@contoso.com', password: USER_PASSWORD }],
      ];
      for (const [url, fields] of posts) {
        const refused = await browser.post(url, fields, { csrf: false });
        assert.equal(refused.statusCode, 403, url);
        assert.match(refused.body, /csrf_failed/, url);
        const forged = await browser.post(url, { ...fields, _csrf: 'A'.repeat(43) });
        assert.equal(forged.statusCode, 403, url);
      }
      const users = await idp.deps.db.selectFrom('users').select('id').execute();
      assert.equal(users.length, 3, 'nothing was created');
    });
  });
}
