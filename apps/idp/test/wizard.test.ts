import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateResponse } from '@federa/saml';
import {
  type Application,
  findApplication,
  listApplications,
} from '../src/applications/applications.repository.ts';
import {
  DEFAULT_ACCESS_NAME,
  DEFAULT_ACCESS_ROLE_ID,
  listAssignments,
} from '../src/assignments/assignments.repository.ts';
import { Browser, decodeEntities, samlPostOf } from './support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, type TestIdp } from './support/harness.ts';
import { ACME, ADMIN_PASSWORD, type Contoso, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { idpOf, metadataCertificates, redirectRequest } from './support/sp.ts';

/** Federa Workspace's organization `beta` at Sentry's paths: what the wizard sets up in these tests. */
const BETA = {
  host: 'http://localhost:5000',
  entityId: 'http://localhost:5000/saml/metadata/beta/',
  acsUrl: 'http://localhost:5000/saml/acs/beta/',
  signOnUrl: 'http://localhost:5000/organizations/beta/',
} as const;

const STEP_1 = { displayName: 'Sentry beta', host: BETA.host, organizationSlug: 'beta' };

async function setUp(dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  const contoso = await seedContoso(idp.deps);
  const browser = new Browser(idp.app);
  await browser.signIn(
    'admin@contoso.com',
    ADMIN_PASSWORD,
    await browser.follow(await browser.get('/portal')),
  );
  return { idp, contoso, browser };
}

/** The fields a browser submits for the form posting to `action` on `page`, as the page fills them. */
function submitted(page: string, action: string): Record<string, string> {
  const start = page.indexOf(`<form method="post" action="${action}"`);
  assert.notEqual(start, -1, `a form posting to ${action}`);
  const form = page.slice(start, page.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue;
    if (/type="radio"/.test(tag) && !/ checked/.test(tag)) continue;
    fields[name] = decodeEntities(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, name, options] of form.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen =
      /<option value="([^"]*)" selected>/.exec(options!) ?? /<option value="([^"]*)"/.exec(options!);
    fields[name!] = decodeEntities(chosen?.[1] ?? '');
  }
  return fields;
}

/**
 * What keyboard and screen-reader users need on every wizard page: one step marked current, a label
 * for every control, and no script but the layout's copy-button helper (the pages work without it).
 */
function assertUsableStep(page: string, step: string): void {
  const current = [...page.matchAll(/aria-current="step"><strong>([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(current, [step]);
  assert.match(page, /<nav class="breadcrumbs wizard-steps" aria-label="Wizard steps"><ol>/);
  for (const [tag] of page.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)) {
    if (/type="hidden"/.test(tag)) continue;
    const id = /\bid="([^"]*)"/.exec(tag)?.[1];
    const labelled = /aria-label="/.test(tag) || (id !== undefined && page.includes(`<label for="${id}">`));
    assert.ok(labelled, `a label for ${tag}`);
  }
  assert.deepEqual(
    [...page.matchAll(/<script[^>]*>/g)].map((m) => m[0]),
    ['<script src="/assets/federa.js" defer>'],
  );
}

/** Steps 1 to 3 as an admin does them, assigning `assignUserId` with Default Access. */
async function wizardUpToReview(browser: Browser, assignUserId: string): Promise<string> {
  const added = await browser.post('/portal/wizard/new/sentry-self-hosted', STEP_1);
  assert.equal(added.statusCode, 303);
  const id = /^\/portal\/wizard\/([0-9a-f-]{36})\/sso$/.exec(String(added.headers.location))?.[1];
  assert.ok(id, `step 1 goes on to single sign-on, not ${added.headers.location}`);
  const sso = await browser.get(`/portal/wizard/${id}/sso`);
  const saved = await browser.post(
    `/portal/wizard/${id}/sso`,
    submitted(sso.body, `/portal/wizard/${id}/sso`),
  );
  assert.equal(saved.headers.location, `/portal/wizard/${id}/users`);
  const assigned = await browser.post(`/portal/wizard/${id}/users`, {
    principal: `user:${assignUserId}`,
    appRoleId: DEFAULT_ACCESS_ROLE_ID,
  });
  assert.equal(assigned.headers.location, `/portal/wizard/${id}/users`);
  return id;
}

async function wizardApp(idp: TestIdp, contoso: Contoso, id: string): Promise<Application> {
  const app = await findApplication(idp.deps.db, contoso.tenant.id, id);
  assert.ok(app);
  return app;
}

async function wizardAudits(idp: TestIdp): Promise<number> {
  const rows = await idp.deps.db
    .selectFrom('audit_log')
    .select('id')
    .where('activity', '=', 'Complete configuration wizard')
    .execute();
  return rows.length;
}

for (const dialect of DIALECTS) {
  describe(`Enterprise App Configuration Wizard on ${dialect}`, () => {
    test('the wizard adds Sentry (self-hosted) for beta, fills its Basic SAML Configuration, assigns B.Simon with Default Access and ends on Test this application', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const list = await browser.get('/portal/applications');
      assert.match(
        list.body,
        /<a class="button secondary" href="\/portal\/wizard">Configuration wizard<\/a>/,
      );

      // Step 1: the gallery (same search as New application), then the entry's fields.
      const gallery = await browser.get('/portal/wizard?q=sentry');
      assert.equal(gallery.statusCode, 200);
      assertUsableStep(gallery.body, '1. Application');
      assert.match(
        gallery.body,
        /<a class="tile" href="\/portal\/wizard\/new\/sentry-self-hosted"><strong>Sentry \(self-hosted\)<\/strong>/,
      );
      assert.doesNotMatch((await browser.get('/portal/wizard?q=salesforce')).body, /<strong>Sentry/);
      const fields = await browser.get('/portal/wizard/new/sentry-self-hosted');
      assertUsableStep(fields.body, '1. Application');
      assert.match(fields.body, /<label for="f-host">Sentry URL/);
      assert.match(fields.body, /<label for="f-organizationSlug">Organization slug/);
      const added = await browser.post('/portal/wizard/new/sentry-self-hosted', {
        ...submitted(fields.body, '/portal/wizard/new/sentry-self-hosted'),
        ...STEP_1,
      });
      assert.equal(added.statusCode, 303);
      const id = String(added.headers.location).split('/')[3]!;
      assert.equal(added.headers.location, `/portal/wizard/${id}/sso`);

      // Step 2: the Basic SAML Configuration, filled in from step 1; the metadata URL to copy.
      const sso = await browser.get(`/portal/wizard/${id}/sso`);
      assert.equal(sso.statusCode, 200);
      assertUsableStep(sso.body, '2. Single sign-on');
      assert.match(sso.body, /Added Sentry beta\./);
      const app = await wizardApp(idp, contoso, id);
      const form = submitted(sso.body, `/portal/wizard/${id}/sso`);
      assert.equal(form.identifier_0, BETA.entityId);
      assert.equal(form.reply_url_0, BETA.acsUrl);
      assert.equal(form.signOnUrl, BETA.signOnUrl);
      for (const name of ['relayState', 'logoutUrl']) assert.equal(form[name], '', name);
      const metadataUrl = `${BASE_URL}/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${app.appId}`;
      assert.ok(sso.body.includes(`<label for="metadata-url">App Federation Metadata Url</label>`));
      assert.equal(
        decodeEntities(/<input id="metadata-url" type="text" readonly value="([^"]*)">/.exec(sso.body)![1]!),
        metadataUrl,
      );
      assert.match(
        sso.body,
        /<button type="button" class="secondary" data-copy="metadata-url">Copy<\/button>/,
      );
      const saved = await browser.post(`/portal/wizard/${id}/sso`, {
        ...form,
        relayState: '/organizations/beta/issues/',
      });
      assert.equal(saved.statusCode, 303);
      assert.equal(saved.headers.location, `/portal/wizard/${id}/users`);

      // Step 3: B.Simon with the only role an app without roles has, Default Access.
      const users = await browser.get(`/portal/wizard/${id}/users`);
      assertUsableStep(users.body, '3. Users and groups');
      assert.match(users.body, /Saved the Basic SAML Configuration\./);
      assert.ok(
        users.body.includes(
          `<option value="user:${contoso.simon.id}">B.Simon (B.Simon@contoso.com)</option>`,
        ),
      );
      assert.ok(
        users.body.includes(`<option value="${DEFAULT_ACCESS_ROLE_ID}" selected>Default Access</option>`),
      );
      const assigned = await browser.post(`/portal/wizard/${id}/users`, {
        ...submitted(users.body, `/portal/wizard/${id}/users`),
        principal: `user:${contoso.simon.id}`,
      });
      assert.equal(assigned.headers.location, `/portal/wizard/${id}/users`);
      const afterAssign = await browser.get(`/portal/wizard/${id}/users`);
      assert.match(
        afterAssign.body,
        /<td>B\.Simon \(B\.Simon@contoso\.com\)<\/td><td>User<\/td><td>Default Access<\/td>/,
      );
      assert.ok(afterAssign.body.includes(`href="/portal/wizard/${id}/review">Next: Review + finish</a>`));

      // Step 4: the review, then Finish lands on "Test single sign-on".
      const review = await browser.get(`/portal/wizard/${id}/review`);
      assert.equal(review.statusCode, 200);
      assertUsableStep(review.body, '4. Review + finish');
      for (const text of [
        BETA.entityId,
        BETA.acsUrl,
        BETA.signOnUrl,
        '<td>B.Simon (B.Simon@contoso.com)</td><td>User</td><td>Default Access</td>',
      ])
        assert.ok(review.body.includes(text), text);
      assert.doesNotMatch(review.body, /class="error"/);
      const finished = await browser.post(`/portal/wizard/${id}/review`, {});
      assert.equal(finished.statusCode, 303);
      assert.equal(finished.headers.location, `/portal/applications/${id}/test`);
      const testPage = await browser.follow(finished);
      assert.equal(testPage.statusCode, 200);
      assert.match(testPage.body, /<h1>Test single sign-on with Sentry beta<\/h1>/);
      assert.match(testPage.body, /Sentry beta is set up\. Test single sign-on\./);
      assert.ok(
        testPage.body.includes(
          `<a class="button" href="${BETA.signOnUrl}" target="_blank" rel="noopener">Test sign in (SP initiated)`,
        ),
        'the Test page opens the Sign on URL in a new tab',
      );

      const configured = await wizardApp(idp, contoso, id);
      assert.equal(configured.displayName, 'Sentry beta');
      assert.equal(configured.galleryTemplate, 'sentry-self-hosted');
      assert.deepEqual(configured.identifiers, [{ identifier: BETA.entityId, isDefault: true }]);
      assert.deepEqual(configured.replyUrls, [{ url: BETA.acsUrl, index: null, isDefault: true }]);
      assert.equal(configured.signOnUrl, BETA.signOnUrl);
      assert.equal(configured.relayState, '/organizations/beta/issues/');
      assert.equal(configured.assignmentRequired, true);
      const assignments = await listAssignments(idp.deps.db, id);
      assert.deepEqual(
        assignments.map((a) => [a.principalType, a.principalId, a.appRoleId, a.roleName]),
        [['user', contoso.simon.id, DEFAULT_ACCESS_ROLE_ID, DEFAULT_ACCESS_NAME]],
      );
      assert.equal(await wizardAudits(idp), 1);
    });

    test('B.Simon signs in SP-initiated to the application the wizard made; an unassigned user gets AADSTS50105', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const id = await wizardUpToReview(browser, contoso.simon.id);
      assert.equal((await browser.post(`/portal/wizard/${id}/review`, {})).statusCode, 303);
      const app = await wizardApp(idp, contoso, id);
      const certificates = await metadataCertificates(idp.app, contoso.tenant, app);

      const simon = new Browser(idp.app);
      const request = redirectRequest(idp.clock, {
        issuer: BETA.entityId,
        assertionConsumerServiceUrl: BETA.acsUrl,
        relayState: '/organizations/beta/',
      });
      const login = await simon.follow(await simon.get(request.url));
      assert.match(login.body, /to continue to Sentry beta/);
      const posted = await simon.signIn('B.Simon@contoso.com', USER_PASSWORD, login);
      assert.equal(posted.statusCode, 200);
      const form = samlPostOf(posted.body);
      assert.equal(form.action, BETA.acsUrl);
      assert.equal(form.relayState, '/organizations/beta/');
      const assertion = await validateResponse(form.xml, {
        idp: { entityId: idpOf(contoso.tenant).entityId, signingCertificates: certificates },
        sp: { entityId: BETA.entityId, acsUrl: BETA.acsUrl },
        clock: idp.clock,
        pendingRequestIds: [request.id],
        allowUnsolicited: false,
        requireSignedAssertion: true,
      });
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
      assert.equal(assertion.inResponseTo, request.id);

      const other = new Browser(idp.app);
      const refused = await other.signIn(
        'E.Other@contoso.com',
        USER_PASSWORD,
        await other.follow(
          await other.get(
            redirectRequest(idp.clock, { issuer: BETA.entityId, assertionConsumerServiceUrl: BETA.acsUrl })
              .url,
          ),
        ),
      );
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /AADSTS50105/);
    });

    test('a validation error at each step is shown beside its field, and the step saves nothing', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      await browser.get('/portal/wizard/new/sentry-self-hosted');

      // Step 1: the same checks as New application; no application is created.
      const badAdd = await browser.post('/portal/wizard/new/sentry-self-hosted', {
        displayName: 'Sentry beta',
        host: 'http://beta.example',
        organizationSlug: 'Beta Org',
      });
      assert.equal(badAdd.statusCode, 400);
      assertUsableStep(badAdd.body, '1. Application');
      assert.match(
        badAdd.body,
        /aria-invalid="true">\n<p class="hint" id="f-host-hint">[^<]*<\/p>\n<p class="error" id="f-host-error">The Sentry URL must use https/,
      );
      assert.match(
        badAdd.body,
        /<p class="error" id="f-organizationSlug-error">A slug uses lower-case letters/,
      );
      assert.match(
        badAdd.body,
        /id="f-organizationSlug" name="organizationSlug" type="text" value="Beta Org"/,
      );
      assert.equal(
        (await listApplications(idp.deps.db, contoso.tenant.id)).length,
        1,
        'no application added',
      );
      const added = await browser.post('/portal/wizard/new/sentry-self-hosted', STEP_1);
      const id = String(added.headers.location).split('/')[3]!;

      // Step 2: the same checks as Basic SAML Configuration; nothing of the post is kept.
      const sso = await browser.get(`/portal/wizard/${id}/sso`);
      const form = submitted(sso.body, `/portal/wizard/${id}/sso`);
      const badSso = await browser.post(`/portal/wizard/${id}/sso`, {
        ...form,
        identifier_0: ACME.entityId,
        identifier_1: 'urn:beta:sentry',
        reply_url_0: 'http://beta.example/saml/acs/beta/',
        signOnUrl: 'ftp://localhost/beta',
      });
      assert.equal(badSso.statusCode, 400);
      assertUsableStep(badSso.body, '2. Single sign-on');
      assert.match(
        badSso.body,
        /aria-describedby="e-identifier_0"><p class="error" id="e-identifier_0">The application Sentry in this tenant already uses this Identifier\.<\/p>/,
      );
      assert.match(
        badSso.body,
        /aria-describedby="e-reply_url_0"><p class="error" id="e-reply_url_0">The Reply URL must use https/,
      );
      assert.match(
        badSso.body,
        /<p class="error" id="f-signOnUrl-error">The Sign on URL must start with https:\/\/ \(or http:\/\/ for localhost and 127\.0\.0\.1\)\.<\/p>/,
      );
      assert.ok(
        badSso.body.includes('value="http://beta.example/saml/acs/beta/"'),
        'the post is shown again',
      );
      const unchanged = await wizardApp(idp, contoso, id);
      assert.deepEqual(unchanged.identifiers, [{ identifier: BETA.entityId, isDefault: true }]);
      assert.deepEqual(unchanged.replyUrls, [{ url: BETA.acsUrl, index: null, isDefault: true }]);
      assert.equal(unchanged.signOnUrl, BETA.signOnUrl);
      assert.equal((await browser.post(`/portal/wizard/${id}/sso`, form)).statusCode, 303);

      // Step 3: the same checks as Users and groups; no assignment is made.
      const noOne = await browser.post(`/portal/wizard/${id}/users`, {
        principal: '',
        appRoleId: DEFAULT_ACCESS_ROLE_ID,
      });
      assert.equal(noOne.statusCode, 400);
      assertUsableStep(noOne.body, '3. Users and groups');
      assert.match(
        noOne.body,
        /<p class="error" id="f-principal-error">Choose a user or group of this tenant\.<\/p>/,
      );
      const stranger = await browser.post(`/portal/wizard/${id}/users`, {
        principal: `user:${crypto.randomUUID()}`,
      });
      assert.match(stranger.body, /id="f-principal-error"/);
      const badRole = await browser.post(`/portal/wizard/${id}/users`, {
        principal: `user:${contoso.simon.id}`,
        appRoleId: crypto.randomUUID(),
      });
      assert.equal(badRole.statusCode, 400);
      assert.match(badRole.body, /<p class="error" id="f-appRoleId-error">This application defines no roles/);
      assert.deepEqual(await listAssignments(idp.deps.db, id), []);

      // Step 4: Finish refuses while nobody is assigned, beside Users and groups.
      const review = await browser.get(`/portal/wizard/${id}/review`);
      assert.equal(review.statusCode, 200);
      assert.match(review.body, /id="e-users"/, 'the review says what is missing before Finish');
      const refused = await browser.post(`/portal/wizard/${id}/review`, {});
      assert.equal(refused.statusCode, 400);
      assertUsableStep(refused.body, '4. Review + finish');
      assert.match(
        refused.body,
        /<p class="error" id="e-users" role="alert">Nobody is assigned, and Sentry beta requires assignment/,
      );
      assert.doesNotMatch(refused.body, /id="e-sso"/);
      assert.equal(await wizardAudits(idp), 0);
    });

    test('leaving after step 1 leaves a normal application in Enterprise applications; the wizard picks it up again', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const added = await browser.post('/portal/wizard/new/custom', { displayName: 'Payroll' });
      const id = String(added.headers.location).split('/')[3]!;
      const list = await browser.get('/portal/applications');
      assert.ok(list.body.includes(`<a href="/portal/applications/${id}">Payroll</a>`));
      const payroll = await wizardApp(idp, contoso, id);
      assert.equal(payroll.galleryTemplate, 'custom');
      assert.equal(payroll.enabledForSignIn, true);
      assert.equal((await browser.get(`/portal/applications/${id}/sso`)).statusCode, 200);
      // A custom application has no Basic SAML Configuration yet: the review says so, beside it.
      const review = await browser.get(`/portal/wizard/${id}/review`);
      assert.match(
        review.body,
        /<p class="error" id="e-sso" role="alert">The Basic SAML Configuration needs an Identifier/,
      );
      assert.ok(review.body.includes(`<a href="/portal/wizard/${id}/sso">2. Single sign-on</a>`));
      const missing = await browser.post(`/portal/wizard/${id}/sso`, {
        ...submitted((await browser.get(`/portal/wizard/${id}/sso`)).body, `/portal/wizard/${id}/sso`),
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /<p class="error" id="e-identifiers">Enter at least one Identifier/);
      assert.match(missing.body, /<p class="error" id="e-replyUrls">Enter at least one Reply URL/);
      const other = await startIdp(dialect);
      t.after(() => other.close());
      const elsewhere = await seedContoso(other.deps);
      assert.equal((await browser.get(`/portal/wizard/${elsewhere.app.id}/sso`)).statusCode, 404);
    });

    test('every wizard post needs the session’s CSRF token; a refused post changes nothing', async (t) => {
      const { idp, contoso, browser } = await setUp(dialect);
      t.after(() => idp.close());
      const id = await wizardUpToReview(browser, contoso.simon.id);
      const [assignment] = await listAssignments(idp.deps.db, id);
      const posts: Array<[string, Record<string, string>]> = [
        ['/portal/wizard/new/sentry-self-hosted', { ...STEP_1, organizationSlug: 'gamma' }],
        [
          `/portal/wizard/${id}/sso`,
          {
            identifier_count: '1',
            identifier_0: 'urn:evil',
            reply_count: '1',
            reply_url_0: 'https://evil.example/acs',
          },
        ],
        [`/portal/wizard/${id}/users`, { principal: `user:${contoso.other.id}` }],
        [`/portal/wizard/${id}/users/${assignment!.id}/remove`, { confirm: 'yes' }],
        [`/portal/wizard/${id}/review`, {}],
      ];
      for (const [url, fields] of posts) {
        const refused = await browser.post(url, fields, { csrf: false });
        assert.equal(refused.statusCode, 403, url);
        assert.match(refused.body, /csrf_failed/, url);
        const forged = await browser.post(url, { ...fields, _csrf: 'A'.repeat(43) });
        assert.equal(forged.statusCode, 403, url);
      }
      assert.equal((await listApplications(idp.deps.db, contoso.tenant.id)).length, 2);
      assert.deepEqual((await wizardApp(idp, contoso, id)).identifiers, [
        { identifier: BETA.entityId, isDefault: true },
      ]);
      assert.deepEqual(
        (await listAssignments(idp.deps.db, id)).map((a) => a.principalId),
        [contoso.simon.id],
      );
      assert.equal(await wizardAudits(idp), 0);
      // With the token, Remove works (the same unassign as Users and groups).
      const removed = await browser.post(`/portal/wizard/${id}/users/${assignment!.id}/remove`, {
        confirm: 'yes',
      });
      assert.equal(removed.headers.location, `/portal/wizard/${id}/users`);
      assert.deepEqual(await listAssignments(idp.deps.db, id), []);
    });

    test('only administrators open the wizard: signed out → sign-in page and back; a user → 403 and nothing added', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const out = new Browser(idp.app);
      const toLogin = await out.get('/portal/wizard?q=sentry');
      assert.equal(toLogin.statusCode, 303);
      assert.equal(toLogin.headers.location, '/common/login?return=%2Fportal%2Fwizard%3Fq%3Dsentry');

      const user = new Browser(idp.app);
      await user.signIn('B.Simon@contoso.com', USER_PASSWORD, await user.get('/common/login'));
      for (const url of [
        '/portal/wizard',
        '/portal/wizard/new/sentry-self-hosted',
        `/portal/wizard/${contoso.app.id}/sso`,
        `/portal/wizard/${contoso.app.id}/users`,
        `/portal/wizard/${contoso.app.id}/review`,
      ]) {
        const refused = await user.get(url);
        assert.equal(refused.statusCode, 403, url);
        assert.match(refused.body, /not an administrator/, url);
      }
      await user.get('/myapps'); // a page with her CSRF token: the refusal is for who she is
      assert.ok(user.csrf);
      const posted = await user.post('/portal/wizard/new/sentry-self-hosted', STEP_1);
      assert.equal(posted.statusCode, 403);
      assert.match(posted.body, /not an administrator/);
      const assign = await user.post(`/portal/wizard/${contoso.app.id}/users`, {
        principal: `user:${contoso.other.id}`,
      });
      assert.equal(assign.statusCode, 403);
      assert.match(assign.body, /not an administrator/);
      assert.equal((await listApplications(idp.deps.db, contoso.tenant.id)).length, 1);
      assert.equal((await listAssignments(idp.deps.db, contoso.app.id)).length, 1);
    });
  });
}
