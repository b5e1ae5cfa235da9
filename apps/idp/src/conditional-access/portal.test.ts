import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, type TestIdp } from '../../test/support/harness.ts';
import { ADMIN_PASSWORD, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { redirectRequest } from '../../test/support/sp.ts';
import { listSignInLogs } from '../sign-in-logs/sign-in-logs.repository.ts';
import { listNamedLocations, listPolicies } from './conditional-access.repository.ts';

async function adminBrowser(idp: TestIdp): Promise<Browser> {
  const browser = new Browser(idp.app);
  await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  await browser.get('/portal');
  return browser;
}

/** Posts a form whose fields may repeat (checkbox lists), with the browser's cookies and CSRF token. */
async function postPairs(browser: Browser, url: string, pairs: Array<[string, string]>) {
  const body = new URLSearchParams([['_csrf', browser.csrf ?? ''], ...pairs]);
  return browser.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'user-agent': browser.userAgent,
    },
  });
}

for (const dialect of DIALECTS) {
  describe(`portal: Conditional Access on ${dialect}`, () => {
    test('named locations, a policy in Entra’s sections, the lock-out refusal, What If and the sign-in’s CA section', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const admin = await adminBrowser(idp);

      // Named location: a bad range is refused beside the field, a good one saved.
      await admin.get('/portal/conditional-access/named-locations/new');
      const bad = await admin.post('/portal/conditional-access/named-locations', {
        displayName: 'Contoso office',
        ipRanges: '203.0.113.0/24\n203.0.113.999/24',
        isTrusted: 'on',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /203\.0\.113\.999\/24 is not a valid IPv4 or IPv6 CIDR range/);
      const good = await admin.post('/portal/conditional-access/named-locations', {
        displayName: 'Contoso office',
        ipRanges: '203.0.113.0/24\n2001:db8:1::/48',
        isTrusted: 'on',
      });
      assert.equal(good.statusCode, 303);
      const [office] = await listNamedLocations(idp.deps.db, contoso.tenant.id);
      assert.ok(office?.isTrusted);
      assert.match((await admin.get('/portal/conditional-access/named-locations')).body, /2001:db8:1::\/48/);

      // A new policy offers the first administrator's exclusion, checked.
      const form = await admin.get('/portal/conditional-access/policies/new');
      assert.equal(form.statusCode, 200);
      for (const section of ['Users', 'Target resources', 'Conditions', 'Grant', 'Session', 'Enable policy'])
        assert.ok(form.body.includes(section), section);
      assert.match(form.body, new RegExp(`name="excludeUsers" value="${contoso.admin.id}" checked`));

      const blockOutside: Array<[string, string]> = [
        ['displayName', 'Block outside Contoso’s network'],
        ['users', 'all'],
        ['apps', 'all'],
        ['locations', 'configured'],
        ['includeLocations', 'All'],
        ['excludeLocations', 'AllTrusted'],
        ['platforms', 'none'],
        ['clientApps', 'browser'],
        ['grant', 'block'],
        ['state', 'enabled'],
      ];
      // Without the break-glass exclusion: Entra's "Don't lock yourself out".
      const locked = await postPairs(admin, '/portal/conditional-access/policies', blockOutside);
      assert.equal(locked.statusCode, 400);
      assert.match(locked.body, /Don’t lock yourself out/);
      assert.equal((await listPolicies(idp.deps.db, contoso.tenant.id)).length, 0);
      const saved = await postPairs(admin, '/portal/conditional-access/policies', [
        ...blockOutside,
        ['excludeUsers', contoso.admin.id],
      ]);
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
      const [policy] = await listPolicies(idp.deps.db, contoso.tenant.id);
      assert.deepEqual(policy?.conditions.locations, {
        includeLocations: ['All'],
        excludeLocations: ['AllTrusted'],
      });
      assert.deepEqual(policy?.conditions.clientAppTypes, ['browser']);
      assert.match((await admin.get('/portal/conditional-access')).body, /Block outside Contoso’s network/);
      // Its edit page draws it back.
      const edit = await admin.get(`/portal/conditional-access/policies/${policy!.id}`);
      assert.match(edit.body, /name="excludeLocations" value="AllTrusted" checked/);
      assert.match(edit.body, /name="grant" value="block" checked/);

      // What If: from outside the office the policy applies (Block); from inside it does not (Locations).
      const base = `/portal/conditional-access/what-if?user=${contoso.simon.id}&app=${contoso.app.appId}&platform=windows`;
      const outside = await admin.get(`${base}&ip=192.0.2.5`);
      assert.equal(outside.statusCode, 200);
      assert.match(
        outside.body,
        /Policies that will apply[\s\S]*Block outside Contoso’s network[\s\S]*Block access[\s\S]*Policies that will not apply/,
      );
      assert.match(outside.body, /Blocked by <strong>Block outside Contoso’s network<\/strong>/);
      const inside = await admin.get(`${base}&ip=203.0.113.9`);
      assert.match(
        inside.body,
        /Policies that will not apply[\s\S]*Block outside Contoso’s network[\s\S]*Locations/,
      );
      assert.match(inside.body, /Named locations of 203\.0\.113\.9: Contoso office/);
      assert.equal((await admin.get(`${base}&ip=nope`)).statusCode, 400);

      // A real sign-in (from 127.0.0.1, outside the office) is blocked; its details show the CA section.
      const user = new Browser(idp.app);
      const blocked = await user.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await user.follow(await user.get(redirectRequest(idp.clock).url)),
      );
      assert.match(blocked.body, /AADSTS53003/);
      const entry = (await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!;
      assert.match((await admin.get('/portal/sign-ins')).body, new RegExp(`/portal/sign-ins/${entry.id}`));
      const detail = await admin.get(`/portal/sign-ins/${entry.id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(
        detail.body,
        /<h2>Conditional Access<\/h2>[\s\S]*Block outside Contoso’s network[\s\S]*Failure[\s\S]*Block/,
      );
      assert.match(detail.body, /<h2>Report-only<\/h2>/);

      // The policy can be deleted (confirmed), then the location.
      await admin.get(`/portal/conditional-access/policies/${policy!.id}/delete`);
      assert.equal(
        (await admin.post(`/portal/conditional-access/policies/${policy!.id}/delete`, { confirm: 'yes' }))
          .statusCode,
        303,
      );
      await admin.get(`/portal/conditional-access/named-locations/${office!.id}/delete`);
      assert.equal(
        (
          await admin.post(`/portal/conditional-access/named-locations/${office!.id}/delete`, {
            confirm: 'yes',
          })
        ).statusCode,
        303,
      );
      assert.equal((await listNamedLocations(idp.deps.db, contoso.tenant.id)).length, 0);
    });
  });
}
