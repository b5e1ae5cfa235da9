import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insertSignInLog, type NewSignInLogEntry } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { SIGN_INS_PER_PAGE } from '../src/sign-in-logs/sign-in-logs.routes.ts';
import { createTenant } from '../src/tenants/tenants.service.ts';
import { Browser, decodeEntities } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from './support/seed.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** The pane beside the list (its section), or null when the page shows none. */
function paneOf(page: string): string | null {
  const pane = /<section class="card list-pane"[\s\S]*<\/section>\s*<\/div>/.exec(page)?.[0];
  return pane ? decodeEntities(pane) : null;
}

/** The rows of the list (the table before the pane). */
function listOf(page: string): string {
  return decodeEntities(/<table class="list-table">[\s\S]*?<\/table>/.exec(page)?.[0] ?? '');
}

for (const dialect of DIALECTS) {
  describe(`portal: sign-in logs, list and details pane on ${dialect}`, () => {
    async function setUp(t: { after(fn: () => Promise<void>): void }) {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const fabrikam = await createTenant(idp.deps, TEST_ACTOR, { name: 'Fabrikam', domain: 'fabrikam.com' });
      const entry = (minutes: number, more: Partial<NewSignInLogEntry> = {}): NewSignInLogEntry => ({
        tenantId: contoso.tenant.id,
        userId: contoso.simon.id,
        userPrincipalName: contoso.simon.userPrincipalName,
        applicationId: contoso.app.id,
        appDisplayName: contoso.app.displayName,
        appIdentifier: 'https://sp.example.com/saml/metadata/acme/',
        result: 'success',
        errorCode: null,
        failureReason: null,
        checkName: 'issue',
        correlationId: crypto.randomUUID(),
        requestId: crypto.randomUUID(),
        ipAddress: '192.0.2.10',
        userAgent:
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        createdAt: at(minutes),
        saml: { authnRequestId: '_req-1', responseId: '_resp-1', assertionId: '_assert-1' },
        ...more,
      });
      const success = await insertSignInLog(idp.deps.db, entry(0));
      const failure = await insertSignInLog(
        idp.deps.db,
        entry(1, {
          result: 'failure',
          errorCode: 'AADSTS50105',
          failureReason: 'The signed in user is not assigned to a role for the application.',
          checkName: 'assignment',
          saml: { authnRequestId: '_req-2', responseId: null, assertionId: null },
        }),
      );
      const elsewhere = await insertSignInLog(
        idp.deps.db,
        entry(2, {
          tenantId: fabrikam.id,
          userId: null,
          userPrincipalName: 'secret.person@fabrikam.com',
          applicationId: null,
          appDisplayName: 'Fabrikam Payroll',
          correlationId: 'fabrikam-correlation-id',
        }),
      );
      const admin = new Browser(idp.app);
      await admin.signIn('admin@contoso.com', ADMIN_PASSWORD);
      return { idp, contoso, admin, entry, ids: { success, failure, elsewhere } };
    }

    test('the list has few columns, each row links to the pane (and to the standalone page), no pane until one is selected', async (t) => {
      const { admin, ids } = await setUp(t);
      const page = await admin.get('/portal/sign-ins');
      assert.equal(page.statusCode, 200);
      const list = listOf(page.body);
      const headers = [...list.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
      assert.deepEqual(headers, ['Date', 'User', 'Application', 'Status', 'IP address']);
      assert.match(list, new RegExp(`href="/portal/sign-ins\\?selected=${ids.failure}"`));
      assert.match(list, new RegExp(`href="/portal/sign-ins/${ids.failure}"`));
      assert.match(list, /AADSTS50105/);
      assert.equal(paneOf(page.body), null);
      assert.doesNotMatch(page.body, /aria-current="true"/);
    });

    test('a selected row opens the pane with that sign-in’s facts, beside the list, and is marked', async (t) => {
      const { admin, ids } = await setUp(t);
      const page = await admin.get(`/portal/sign-ins?selected=${ids.failure}`);
      assert.equal(page.statusCode, 200);
      const pane = paneOf(page.body) ?? '';
      assert.match(pane, /Activity Details: Sign-ins/);
      assert.match(pane, /AADSTS50105/);
      assert.match(pane, /not assigned to a role/);
      assert.match(pane, /<code>_req-2<\/code>/);
      assert.match(pane, /<code>assignment<\/code>/);
      assert.match(pane, new RegExp(`href="/portal/sign-ins/${ids.failure}"`), 'open as a page');
      assert.doesNotMatch(pane, /_req-1/, 'only the selected sign-in');
      // The list is still there, with the selected row marked and the other not.
      const list = listOf(page.body);
      assert.match(
        list,
        new RegExp(`<tr class="selected">[\\s\\S]*?selected=${ids.failure}" aria-current="true"`),
      );
      assert.equal([...list.matchAll(/<tr class="selected">/g)].length, 1);
      assert.match(list, new RegExp(`selected=${ids.success}">`));

      // The tabs: each a link to the same list and selection; the chosen one shows its section.
      for (const [tab, expected] of [
        ['location', /<h3 id="sign-in-tab-title">Location<\/h3>[\s\S]*192\.0\.2\.10/],
        ['device', /<h3 id="sign-in-tab-title">Device info<\/h3>[\s\S]*Chrome 131[\s\S]*Windows/],
        ['authentication', /<h3 id="sign-in-tab-title">Authentication details<\/h3>/],
        ['ca', /<h3 id="sign-in-tab-title">Conditional Access<\/h3>[\s\S]*not evaluated/],
        ['report-only', /<h3 id="sign-in-tab-title">Report-only<\/h3>/],
      ] as const) {
        assert.match(pane, new RegExp(`href="/portal/sign-ins\\?selected=${ids.failure}&tab=${tab}"`));
        const shown = await admin.get(`/portal/sign-ins?selected=${ids.failure}&tab=${tab}`);
        assert.match(paneOf(shown.body) ?? '', expected, tab);
      }
      // An unknown tab shows Basic info.
      const unknownTab = await admin.get(`/portal/sign-ins?selected=${ids.failure}&tab=nope`);
      assert.match(paneOf(unknownTab.body) ?? '', /<h3 id="sign-in-tab-title">Basic info<\/h3>/);
    });

    test('the list’s filters are kept in the row links, the tabs and the Close link', async (t) => {
      const { admin, contoso, ids } = await setUp(t);
      const filters = `result=failure&user=${contoso.simon.id}&app=${contoso.app.id}`;
      const page = await admin.get(`/portal/sign-ins?${filters}&selected=${ids.failure}&tab=location`);
      const list = listOf(page.body);
      assert.match(list, new RegExp(`href="/portal/sign-ins\\?${filters}&selected=${ids.failure}"`));
      assert.doesNotMatch(list, new RegExp(ids.success), 'the filter still applies');
      const pane = paneOf(page.body) ?? '';
      assert.match(pane, new RegExp(`href="/portal/sign-ins\\?${filters}&selected=${ids.failure}&tab=ca"`));
      assert.match(pane, new RegExp(`href="/portal/sign-ins\\?${filters}">Close`));
      // Nothing else from the address is carried along.
      const extra = await admin.get(`/portal/sign-ins?result=failure&evil=1&selected=${ids.failure}`);
      assert.doesNotMatch(extra.body, /evil=/);
    });

    test('the list pages through older sign-ins; a row selected on a later page keeps the page', async (t) => {
      const { idp, admin, entry, ids } = await setUp(t);
      // The three rows of setUp are the oldest; these come after them.
      for (let i = 0; i < SIGN_INS_PER_PAGE; i++)
        await insertSignInLog(idp.deps.db, entry(10 + i, { userPrincipalName: `newer${i}@contoso.com` }));
      const first = await admin.get('/portal/sign-ins');
      assert.doesNotMatch(listOf(first.body), new RegExp(ids.failure), 'an old one is on a later page');
      assert.doesNotMatch(first.body, />Newest</);
      const older = /href="([^"]+)">Older sign-ins</.exec(first.body)?.[1];
      assert.ok(older, 'a link to the older sign-ins');
      const second = await admin.get(decodeEntities(older));
      const list = listOf(second.body);
      assert.match(list, new RegExp(ids.failure));
      const idsOf = (page: string) => [...page.matchAll(/selected=([0-9a-f-]{36})"/g)].map((m) => m[1]);
      const firstIds = new Set(idsOf(listOf(first.body)));
      assert.equal(firstIds.size, SIGN_INS_PER_PAGE);
      assert.deepEqual(
        idsOf(list).filter((id) => firstIds.has(id)),
        [],
        'the first page is not repeated',
      );
      assert.match(second.body, />Newest</);
      const after = new URL(decodeEntities(older), 'http://x').searchParams.get('after');
      assert.match(list, new RegExp(`href="/portal/sign-ins\\?after=${after}&selected=${ids.failure}"`));
      const selected = await admin.get(`/portal/sign-ins?after=${after}&selected=${ids.failure}`);
      assert.match(listOf(selected.body), /<tr class="selected">/, 'the list did not jump');
      // An `after` this list did not give out is the first page.
      assert.match(listOf((await admin.get('/portal/sign-ins?after=bm9wZQ')).body), /newer49@/);
    });

    test('a selected id of another tenant, unknown or malformed shows “not found” in the pane, leaks nothing, and the list still renders', async (t) => {
      const { admin, ids } = await setUp(t);
      for (const selected of [ids.elsewhere, crypto.randomUUID(), '<script>x</script>', "' OR 1=1 --"]) {
        const page = await admin.get(`/portal/sign-ins?selected=${encodeURIComponent(selected)}`);
        assert.equal(page.statusCode, 200, selected);
        const pane = paneOf(page.body) ?? '';
        assert.match(pane, /This sign-in was not found in this tenant’s log/, selected);
        assert.doesNotMatch(page.body, /secret\.person|Fabrikam Payroll|fabrikam-correlation-id/, selected);
        assert.doesNotMatch(page.body, /<script>x/, selected);
        assert.doesNotMatch(pane, /Open as a page/);
        assert.match(listOf(page.body), new RegExp(`selected=${ids.failure}"`), 'the list still renders');
      }
      // The standalone page of another tenant's sign-in is a 404 too.
      assert.equal((await admin.get(`/portal/sign-ins/${ids.elsewhere}`)).statusCode, 404);
    });

    test('the standalone page shows every section of the pane, one card each', async (t) => {
      const { admin, ids } = await setUp(t);
      const page = await admin.get(`/portal/sign-ins/${ids.failure}`);
      assert.equal(page.statusCode, 200);
      for (const title of [
        'Basic info',
        'Location',
        'Device info',
        'Authentication details',
        'Conditional Access',
        'Report-only',
      ])
        assert.match(page.body, new RegExp(`<h2>${title}</h2>`), title);
      assert.match(page.body, /AADSTS50105/);
      assert.match(page.body, /<code>_req-2<\/code>/);
    });
  });
}
