import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { ENTRA_CLAIMS } from '../src/providers/attribute-mapping.ts';
import { createdOrganization, signedUp, startApp } from './support/app.ts';
import { BSIMON, TestIdp } from './support/idp.ts';
import { finishSetup, providerOf, ssoSignIn } from './support/sso.ts';

// Issue 12, "also seen": identities are keyed by the IdP user id, so changing where a configured
// provider reads it from makes everyone linked so far a stranger at their next sign-in. The mapping
// page says how many members that is, and the change needs the owner's say-so.

for (const dialect of DIALECTS) {
  describe(`Changing the user-id mapping on ${dialect}`, () => {
    test('names how many linked members a new user-id source splits off, and changes nothing until confirmed', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = await TestIdp.create();
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/auth/configure/saml2/');
      const saved = await owner.post('/settings/acme/auth/configure/saml2/', {
        method: 'xml',
        metadataXml: idp.metadata(),
      });
      assert.equal(saved.statusCode, 303);
      // No one is linked yet: the mapping changes freely (as the interop tests' setup does).
      let page = (await owner.get('/settings/acme/auth/')).body;
      assert.doesNotMatch(page, /linked by the IdP user id/);
      assert.equal((await finishSetup(owner, t, idp, 'acme')).statusCode, 303);
      assert.equal((await ssoSignIn(t.browser(), t, idp, 'acme', BSIMON)).statusCode, 303);

      page = (await owner.get('/settings/acme/auth/')).body;
      assert.match(page, /2 members are linked by the IdP user id in <code>NameID<\/code>/);

      const change = { userId: ENTRA_CLAIMS.objectId, email: '', firstName: '', lastName: '' };
      const refused = await owner.post('/settings/acme/auth/mapping/', change);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /2 members are linked by the current IdP user id/);
      assert.equal((await providerOf(t, 'acme'))!.mapping.userId, null);

      // Another attribute than the user id: nobody is split, nothing to confirm.
      const email = await owner.post('/settings/acme/auth/mapping/', {
        useNameIdAsUserId: '1',
        userId: '',
        email: ENTRA_CLAIMS.email,
        firstName: '',
        lastName: '',
      });
      assert.equal(email.statusCode, 303, email.body.slice(0, 500));

      const confirmed = await owner.post('/settings/acme/auth/mapping/', {
        ...change,
        confirmUserIdChange: '1',
      });
      assert.equal(confirmed.statusCode, 303, confirmed.body.slice(0, 500));
      assert.equal((await providerOf(t, 'acme'))!.mapping.userId, ENTRA_CLAIMS.objectId);
      const audited = await t.ctx.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'sso.edited')
        .execute();
      assert.ok(audited.some((row) => JSON.parse(row.detail).identitiesSplit === 2));
    });
  });
}
