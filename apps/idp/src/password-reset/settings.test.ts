import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { ADMIN_PASSWORD, seedContoso } from '../../test/support/seed.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { createGroup } from '../groups/groups.service.ts';
import { passwordResetPolicy } from './policy.ts';

const PAGE = '/portal/users/password-reset';

for (const dialect of DIALECTS) {
  describe(`Password reset › Properties in the portal, on ${dialect}`, () => {
    test('shows None for a new tenant, the methods Federa accepts; saves All and Selected with a group, audited; Selected needs a group', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'SSPR users' });
      const admin = new Browser(idp.app);
      await admin.signIn(
        'admin@contoso.com',
        ADMIN_PASSWORD,
        await admin.get(`/common/login?return=${PAGE}`),
      );
      const page = await admin.get(PAGE);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Self service password reset enabled/);
      assert.match(page.body, /value="none" checked/);
      assert.match(page.body, /Number of methods required to reset/);
      assert.match(page.body, /a code from the authenticator app or a passkey/);
      assert.match((await admin.get('/portal/users')).body, /href="\/portal\/users\/password-reset"/);

      const noGroup = await admin.post(PAGE, { enabledFor: 'selected', groupId: '' });
      assert.equal(noGroup.statusCode, 400);
      assert.match(noGroup.body, /Select the group whose members may reset their password/);
      const bogus = await admin.post(PAGE, { enabledFor: 'sometimes' });
      assert.equal(bogus.statusCode, 400);
      assert.deepEqual(await passwordResetPolicy(idp.deps.db, contoso.tenant.id), {
        enabledFor: 'none',
        groupId: null,
      });

      const selected = await admin.post(PAGE, { enabledFor: 'selected', groupId: group.id });
      assert.equal(selected.statusCode, 303);
      assert.deepEqual(await passwordResetPolicy(idp.deps.db, contoso.tenant.id), {
        enabledFor: 'selected',
        groupId: group.id,
      });
      assert.match((await admin.get(PAGE)).body, /SSPR users/);
      await admin.post(PAGE, { enabledFor: 'all', groupId: group.id });
      assert.deepEqual(await passwordResetPolicy(idp.deps.db, contoso.tenant.id), {
        enabledFor: 'all',
        groupId: null,
      });

      const changes = (await listAudit(idp.deps.db, contoso.tenant.id)).filter(
        (e) => e.activity === 'Update password reset policy',
      );
      assert.equal(changes.length, 2);
      assert.equal(changes[0]!.actorName, 'admin@contoso.com');
      assert.deepEqual(
        (changes[0]!.details as { selfServicePasswordResetEnabled: unknown }).selfServicePasswordResetEnabled,
        {
          from: 'selected',
          to: 'all',
        },
      );
    });
  });
}
