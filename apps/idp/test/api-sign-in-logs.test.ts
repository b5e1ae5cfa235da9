import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insertSignInLog, type SignInResult } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { createTenant } from '../src/tenants/tenants.service.ts';
import { apiClient, tokenFor } from './support/api.ts';
import { Browser } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { seedContoso } from './support/seed.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`admin API: sign-in logs on ${dialect}`, () => {
    test('filters by result, application, user and time; pages newest first through nextLink; the tenant’s own only', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const fabrikam = await createTenant(idp.deps, TEST_ACTOR, { name: 'Fabrikam', domain: 'fabrikam.com' });
      const row = (minutes: number, result: SignInResult, user: typeof contoso.simon | null, app: boolean) =>
        insertSignInLog(idp.deps.db, {
          tenantId: contoso.tenant.id,
          userId: user?.id ?? null,
          userPrincipalName: user?.userPrincipalName ?? 'typo@contoso.com',
          applicationId: app ? contoso.app.id : null,
          appDisplayName: app ? contoso.app.displayName : null,
          appIdentifier: null,
          result,
          errorCode: result === 'success' ? null : 'AADSTS50126',
          failureReason: result === 'success' ? null : 'Invalid username or password.',
          checkName: 'password',
          correlationId: crypto.randomUUID(),
          requestId: crypto.randomUUID(),
          ipAddress: '127.0.0.1',
          userAgent: 'test',
          createdAt: at(minutes),
        });
      await row(0, 'success', contoso.simon, true);
      await row(1, 'failure', contoso.simon, true);
      await row(2, 'failure', null, false);
      await row(3, 'success', contoso.other, false);
      await row(4, 'interrupted', contoso.simon, true);
      await row(5, 'failure', contoso.other, true);
      await insertSignInLog(idp.deps.db, {
        tenantId: fabrikam.id,
        userId: null,
        userPrincipalName: 'someone@fabrikam.com',
        applicationId: null,
        appDisplayName: null,
        appIdentifier: null,
        result: 'failure',
        errorCode: 'AADSTS50034',
        failureReason: 'The user account does not exist.',
        checkName: 'password',
        correlationId: crypto.randomUUID(),
        requestId: crypto.randomUUID(),
        ipAddress: null,
        userAgent: null,
        createdAt: at(6),
      });
      // And one real attempt: a wrong password at the sign-in page.
      await new Browser(idp.app).signIn('B.Simon@contoso.com', 'not-her-password');

      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const all = (await api.get('/signInLogs')).body;
      assert.equal(all.value.length, 7, 'six rows and the real attempt; none of Fabrikam’s');
      assert.equal(all.nextLink, null);
      assert.equal(all.value[0].userPrincipalName, 'B.Simon@contoso.com', 'newest first');
      assert.equal(all.value[0].result, 'failure');
      assert.equal(all.value[0].errorCode, 'AADSTS50126');
      assert.ok(all.value[0].correlationId && all.value[0].requestId);

      const failures = (await api.get('/signInLogs?result=failure')).body.value;
      assert.deepEqual(
        failures.map((e: { result: string }) => e.result),
        ['failure', 'failure', 'failure', 'failure'],
      );
      const forApp = (await api.get(`/signInLogs?app=${contoso.app.appId}`)).body.value;
      assert.equal(forApp.length, 4);
      assert.ok(forApp.every((e: { applicationId: string }) => e.applicationId === contoso.app.id));
      const byUpn = (await api.get('/signInLogs?user=b.simon@CONTOSO.com')).body.value;
      assert.equal(byUpn.length, 4);
      const byId = (await api.get(`/signInLogs?user=${contoso.other.id}`)).body.value;
      assert.equal(byId.length, 2);
      const typo = (await api.get('/signInLogs?user=typo@contoso.com')).body.value;
      assert.equal(typo.length, 1, 'an unknown user name as typed');
      const recent = (await api.get(`/signInLogs?since=${encodeURIComponent(at(3))}&result=failure`)).body
        .value;
      assert.deepEqual(recent.map((e: { createdAt: string }) => e.createdAt).slice(-1), [at(5)]);
      assert.equal(recent.length, 2);

      const seen: string[] = [];
      let next: string | null = '/api/v1/signInLogs?top=2';
      let pages = 0;
      while (next) {
        const url: URL = new URL(next, BASE_URL);
        assert.equal(url.origin, BASE_URL);
        const page = await api.get(`${url.pathname.replace('/api/v1', '')}${url.search}`);
        assert.equal(page.status, 200);
        assert.ok(page.body.value.length <= 2);
        seen.push(...page.body.value.map((e: { id: string }) => e.id));
        next = page.body.nextLink;
        pages += 1;
      }
      assert.equal(pages, 4);
      assert.deepEqual(
        seen,
        all.value.map((e: { id: string }) => e.id),
        'every entry once, in order',
      );
      const filteredPage = (await api.get('/signInLogs?result=failure&top=3')).body;
      assert.match(filteredPage.nextLink, /result=failure/);
    });

    test('refuses a bad filter, page size or skip token with 400 on the field; an unknown application 404', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const badResult = await api.get('/signInLogs?result=maybe');
      assert.equal(badResult.status, 400);
      assert.equal(badResult.body.error.code, 'invalid_request');
      assert.equal(badResult.body.error.field, 'querystring.result');
      assert.equal((await api.get('/signInLogs?since=yesterday')).body.error.field, 'querystring.since');
      assert.equal((await api.get('/signInLogs?top=0')).status, 400);
      assert.equal((await api.get('/signInLogs?top=501')).status, 400);
      const badToken = await api.get('/signInLogs?skipToken=bm9wZQ');
      assert.equal(badToken.status, 400);
      assert.equal(badToken.body.error.field, 'querystring.skipToken');
      const noApp = await api.get('/signInLogs?app=00000000-0000-4000-8000-000000000000');
      assert.equal(noApp.status, 404);
    });
  });
}
