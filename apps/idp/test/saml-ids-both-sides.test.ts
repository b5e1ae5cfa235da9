// One attempt, both sides: Federa Directory and Federa Workspace in one process (tests may import
// both apps), the Directory's sign-in log and the Workspace's SSO attempt log read side by side.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseXml } from '@federa/saml';
import type { LightMyRequestResponse } from 'fastify';
import { createdOrganization, signedUp, startApp as startWorkspace } from '../../sp/test/support/app.ts';
import type { Browser as WorkspaceBrowser } from '../../sp/test/support/browser.ts';
import { assign } from '../src/assignments/assignments.service.ts';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { createUser } from '../src/users/users.service.ts';
import { apiClient, tokenFor } from './support/api.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { DIALECTS, ManualClock, startIdp, TEST_ACTOR } from './support/harness.ts';
import { seedContoso, USER_PASSWORD } from './support/seed.ts';

const NAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
const EMAIL_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

/** The claim names an issued response carries. */
function claimNames(xml: string): string[] {
  const { root } = parseXml(xml);
  const names: string[] = [];
  const walk = (node: { childNodes: ArrayLike<unknown> }) => {
    for (const child of Array.from(node.childNodes) as Array<{
      nodeType: number;
      localName: string;
      getAttribute(n: string): string;
      childNodes: ArrayLike<unknown>;
    }>) {
      if (child.nodeType !== 1) continue;
      if (child.localName === 'Attribute') names.push(child.getAttribute('Name'));
      walk(child);
    }
  };
  walk(root as never);
  return names;
}

for (const dialect of DIALECTS) {
  describe(`one attempt, both sides, on ${dialect}`, () => {
    test('a user with no Email (Name and User name only) signs in to the Workspace, and both logs show the same AuthnRequest, Response and Assertion ids', async (c) => {
      // Both clocks at the real time: each side checks the other's timestamps.
      const idp = await startIdp(dialect, { clock: new ManualClock(new Date()) });
      const contoso = await seedContoso(idp.deps);
      // The tutorial word for word: Name and User name, no Email.
      const { user: noMail } = await createUser(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        userPrincipalName: 'N.Mailless@contoso.com',
        displayName: 'N.Mailless',
        password: USER_PASSWORD,
      });
      assert.equal(noMail.mail ?? null, null);
      await assign(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.app.id, {
        principalType: 'user',
        principalId: noMail.id,
      });
      const ws = await startWorkspace(dialect);
      // Closed whatever happens, so that a failure does not keep the file running.
      c.after(async () => {
        await ws.close();
        await idp.close();
      });

      /** SP-initiated: the Workspace's redirect, the Directory's sign-in, the POST back to the ACS. */
      const signIn = async (wsBrowser: WorkspaceBrowser, started: LightMyRequestResponse, upn: string) => {
        assert.equal(started.statusCode, 303, started.body.slice(0, 500));
        const target = new URL(String(started.headers.location));
        const directory = new Browser(idp.app);
        const toLogin = await directory.get(`${target.pathname}${target.search}`);
        const posted = await directory.signIn(upn, USER_PASSWORD, await directory.follow(toLogin));
        assert.equal(posted.statusCode, 200, posted.body.slice(0, 800));
        const form = samlPostOf(posted.body);
        const answered = await wsBrowser.crossSitePost(new URL(form.action).pathname, {
          SAMLResponse: form.samlResponse,
          RelayState: form.relayState ?? '',
        });
        return { form, answered };
      };

      // The Workspace's owner configures Active Directory from the App Federation Metadata and finishes the setup.
      // The owner is B.Simon at the Directory too, so that the setup links without asking (setup-identity).
      const owner = await signedUp(ws, 'b.simon@contoso.com');
      await createdOrganization(owner, 'acme');
      const metadata = await idp.app.inject({
        url: `/${contoso.tenant.id}/federationmetadata/2007-06/federationmetadata.xml?appid=${contoso.app.appId}`,
      });
      await owner.get('/settings/acme/auth/configure/active-directory/');
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'xml',
        metadataXml: metadata.body,
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
      await owner.get('/settings/acme/auth/');
      const setup = await signIn(owner, await owner.post('/settings/acme/auth/test/'), 'B.Simon@contoso.com');
      assert.equal(setup.answered.statusCode, 303, setup.answered.body.slice(0, 1500));

      // The user without a mailbox: Entra's emailaddress claim is left out, the UPN comes as name.
      const person = ws.browser();
      await person.get('/auth/login/acme/');
      const { form, answered } = await signIn(
        person,
        await person.post('/auth/login/acme/'),
        'N.Mailless@contoso.com',
      );
      assert.ok(claimNames(form.xml).includes(NAME_CLAIM));
      assert.ok(
        !claimNames(form.xml).includes(EMAIL_CLAIM),
        'no Email, no emailaddress claim (as Entra does)',
      );
      assert.equal(answered.statusCode, 303, answered.body.slice(0, 1500));
      assert.equal(String(answered.headers.location), '/organizations/acme/');
      assert.equal((await person.get('/api/0/users/me/')).json().email, 'n.mailless@contoso.com');

      // Both logs: success, and the same three ids.
      const [directoryEntry] = await listSignInLogs(idp.deps.db, contoso.tenant.id, { userId: noMail.id });
      assert.ok(directoryEntry);
      assert.equal(directoryEntry.result, 'success');
      const attempt = await ws.ctx.db
        .selectFrom('sso_attempts')
        .selectAll()
        .where('id', '=', String(answered.headers['x-correlation-id']))
        .executeTakeFirstOrThrow();
      assert.equal(attempt.outcome, 'success');
      assert.deepEqual(
        {
          authnRequestId: attempt.authn_request_id,
          responseId: attempt.response_id,
          assertionId: attempt.assertion_id,
        },
        directoryEntry.saml,
      );
      assert.ok(
        directoryEntry.saml.authnRequestId &&
          directoryEntry.saml.responseId &&
          directoryEntry.saml.assertionId,
      );
      assert.equal(attempt.subject_email, 'n.mailless@contoso.com');
      assert.equal(attempt.subject_name, 'N.Mailless');

      // Shown on both pages, and in the Directory's API under its extension property.
      const attemptsPage = (await owner.get('/settings/acme/auth/attempts/')).body;
      const admin = new Browser(idp.app);
      await admin.signIn('admin@contoso.com', 'Admin-Pa55word!');
      // The Directory's list shows the attempt's details (SAML ids among them) in the pane of its row.
      const signInsPage = (await admin.get(`/portal/sign-ins?selected=${directoryEntry.id}`)).body;
      for (const id of Object.values(directoryEntry.saml)) {
        assert.ok(attemptsPage.includes(`<code>${id}</code>`), `Workspace page: ${id}`);
        assert.ok(signInsPage.includes(`<code>${id}</code>`), `Directory page: ${id}`);
      }
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const listed = (await api.get(`/signInLogs?user=${noMail.id}`)).body.value[0];
      assert.deepEqual(listed.federaSamlIds, directoryEntry.saml);
      assert.equal(listed.saml, undefined);
    });
  });
}
