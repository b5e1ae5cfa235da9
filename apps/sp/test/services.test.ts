import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { listAudit } from '../src/audit/audit.repository.ts';
import {
  activateProvider,
  configureProviderFromMetadataUrl,
  createAccount,
  createOrganization,
  findProviderByOrganization,
  refreshDueProviders,
} from '../src/index.ts';
import { PASSWORD, sharedDatabaseUrl, startApp, TestClock } from './support/app.ts';
import { location } from './support/browser.ts';
import { BSIMON, serve, TestIdp } from './support/idp.ts';

for (const dialect of DIALECTS) {
  describe(`service layer on ${dialect}`, () => {
    test('seeds the demo without HTTP: owner, organization, Active Directory from a metadata URL, active', async (c) => {
      const t = await startApp(dialect, { config: { allowLoopbackMetadata: true } });
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const server = await serve((_request, response) => response.end(idp.metadata()));
      c.after(() => server.close());
      const owner = await createAccount(t.ctx.db, t.clock, {
        email: 'owner@acme.test',
        name: 'Acme Owner',
        password: PASSWORD,
      });
      const acme = await createOrganization(t.ctx.db, t.clock, {
        name: 'Acme',
        slug: 'acme',
        ownerUserId: owner.id,
      });
      const provider = await configureProviderFromMetadataUrl(t.ctx, {
        organizationId: acme.id,
        kind: 'active-directory',
        url: `${server.url}/contoso.com/federationmetadata/2007-06/federationmetadata.xml?appid=x`,
        actorUserId: owner.id,
      });
      assert.equal(provider.status, 'pending');
      assert.equal(
        await activateProvider(t.ctx.db, t.clock, { organizationId: acme.id, actorUserId: owner.id }),
        true,
      );
      assert.equal((await findProviderByOrganization(t.ctx.db, acme.id))?.status, 'active');

      // B.Simon signs in through it straight away.
      const browser = t.browser();
      await browser.get('/auth/login/acme/');
      const started = await browser.post('/auth/login/acme/');
      const request = new URL(location(started));
      assert.equal(request.origin + request.pathname, idp.ssoUrl);
    });

    test('the scheduled refresh picks up a rollover once, even with two instances running it', async (c) => {
      const url = await sharedDatabaseUrl(dialect);
      const clock = new TestClock();
      const config = { allowLoopbackMetadata: true };
      const a = await startApp(dialect, { url, clock, config });
      c.after(() => a.close());
      const b = await startApp(dialect, { url, clock, config });
      c.after(() => b.close());
      const idp = await TestIdp.create();
      let document = idp.metadata();
      const server = await serve((_request, response) => response.end(document));
      c.after(() => server.close());
      const owner = await createAccount(a.ctx.db, clock, {
        email: 'owner@acme.test',
        name: 'Owner',
        password: PASSWORD,
      });
      const acme = await createOrganization(a.ctx.db, clock, {
        name: 'Acme',
        slug: 'acme',
        ownerUserId: owner.id,
      });
      await configureProviderFromMetadataUrl(a.ctx, {
        organizationId: acme.id,
        kind: 'active-directory',
        url: `${server.url}/md`,
        actorUserId: owner.id,
      });

      assert.equal(await refreshDueProviders(a.ctx, 24), 0, 'not due yet');
      const next = await TestIdp.create('contoso', 'contoso-next');
      idp.listed = [idp.signer, next.signer];
      document = idp.metadata();
      clock.advance(25 * 3600);
      const counts = await Promise.all([refreshDueProviders(a.ctx, 24), refreshDueProviders(b.ctx, 24)]);
      assert.ok(counts[0]! + counts[1]! >= 1);
      const provider = await findProviderByOrganization(a.ctx.db, acme.id);
      assert.equal(provider?.signingCertificates.length, 2);
      const changes = (await listAudit(a.ctx.db, acme.id)).filter(
        (e) => e.action === 'sso.certificates-changed',
      );
      assert.equal(changes.length, 1, 'audited once');
      assert.equal(changes[0]?.actorUserId, null);
      assert.equal(await refreshDueProviders(a.ctx, 24), 0, 'fresh again');

      // Responses signed with the new key are accepted from now on.
      await activateProvider(a.ctx.db, clock, { organizationId: acme.id, actorUserId: owner.id });
      const response = await idp.respond({
        slug: 'acme',
        inResponseTo: null,
        user: BSIMON,
        clock,
        signer: next.signer,
      });
      assert.equal((await b.browser().crossSitePost('/saml/acs/acme/', response)).statusCode, 303);
    });
  });
}
