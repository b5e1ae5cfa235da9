import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../test/support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from '../../test/support/harness.ts';
import { codeAt, registerTotp } from '../../test/support/mfa.ts';
import { passkeyOptionsOf } from '../../test/support/passkey-authenticator.ts';
import { resetWithCode, ridOf, shapeOf, startReset } from '../../test/support/password-reset.ts';
import { type Contoso, seedContoso, USER_PASSWORD } from '../../test/support/seed.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { addMember, createGroup, removeMember } from '../groups/groups.service.ts';
import { createTenant } from '../tenants/tenants.service.ts';
import { createUser, setAccountEnabled } from '../users/users.service.ts';
import { passwordResetPolicy, setPasswordResetPolicy } from './policy.ts';

const NEW_PASSWORD = 'New-Pa55word!';
const SIMON = 'B.Simon@contoso.com';

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: (typeof DIALECTS)[number]) {
  const idp = await startIdp(dialect);
  t.after(() => idp.close());
  const contoso = await seedContoso(idp.deps);
  const key = await registerTotp(idp.deps, contoso.simon);
  idp.clock.advance(30);
  return { idp, contoso, key };
}

const signsIn = async (idp: TestIdp, userName: string, password: string) =>
  (await new Browser(idp.app).signIn(userName, password)).headers.location === '/myapps';

/** B.Simon tries to reset with her right code; returns the verify answer and whether the password changed. */
async function simonTries(idp: TestIdp, key: Uint8Array) {
  const browser = new Browser(idp.app);
  const { page } = await startReset(browser, SIMON);
  const { verified, done } = await resetWithCode(browser, page, codeAt(idp.deps, key), NEW_PASSWORD);
  idp.clock.advance(30);
  return { verified, done, changed: await signsIn(idp, SIMON, NEW_PASSWORD) };
}

for (const dialect of DIALECTS) {
  describe(`Who may reset their password, on ${dialect}`, () => {
    test('a new tenant has self-service password reset off (None): the right code does not reset', async (t) => {
      const { idp, contoso, key } = await setUp(t, dialect);
      assert.deepEqual(await passwordResetPolicy(idp.deps.db, contoso.tenant.id), {
        enabledFor: 'none',
        groupId: null,
      });
      const { verified, changed } = await simonTries(idp, key);
      assert.equal(verified.statusCode, 401);
      assert.match(verified.body, /You didn’t enter the expected verification code/);
      assert.equal(changed, false);
      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      assert.ok(audit.some((e) => (e.details as { reason?: string }).reason === 'notEnabled'));
    });

    test('a blocked user cannot reset, before the code or after it', async (t) => {
      const { idp, contoso, key } = await setUp(t, dialect);
      await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, { enabledFor: 'all' });
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, false);
      const before = await simonTries(idp, key);
      assert.equal(before.verified.statusCode, 401);
      assert.equal(before.done, null);
      // Allowed again, verified, then blocked before the new password is chosen.
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, true);
      const browser = new Browser(idp.app);
      const { page } = await startReset(browser, SIMON);
      const verified = await browser.post('/common/passwordreset/verify', {
        rid: ridOf(page),
        otc: codeAt(idp.deps, key),
      });
      assert.equal(verified.statusCode, 303);
      const form = await browser.follow(verified);
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, false);
      const refused = await browser.post('/common/passwordreset/new', {
        rid: ridOf(form),
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(refused.statusCode, 400);
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, contoso.simon.id, true);
      assert.equal(await signsIn(idp, SIMON, USER_PASSWORD), true, 'the password did not change');
    });

    test('Selected: only the members of the chosen group can reset; taken out of it mid-way, the reset stops', async (t) => {
      const { idp, contoso, key } = await setUp(t, dialect);
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'SSPR users' });
      await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        enabledFor: 'selected',
        groupId: group.id,
      });
      const outside = await simonTries(idp, key);
      assert.equal(outside.verified.statusCode, 401);
      assert.equal(outside.changed, false);

      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
      const browser = new Browser(idp.app);
      const { page } = await startReset(browser, SIMON);
      const verified = await browser.post('/common/passwordreset/verify', {
        rid: ridOf(page),
        otc: codeAt(idp.deps, key),
      });
      assert.equal(verified.statusCode, 303);
      const form = await browser.follow(verified);
      await removeMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
      const refused = await browser.post('/common/passwordreset/new', {
        rid: ridOf(form),
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(await signsIn(idp, SIMON, NEW_PASSWORD), false);

      idp.clock.advance(30);
      await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, contoso.simon.id);
      const member = await simonTries(idp, key);
      assert.ok(member.done);
      assert.equal(member.done.statusCode, 200);
      assert.equal(member.changed, true);
    });

    test('no user enumeration: an unknown user, one of another tenant, one not enabled, a blocked one and one with no method get the same answers as one who may reset', async (t) => {
      const { idp, contoso } = await setUp(t, dialect);
      const group = await createGroup(idp.deps, TEST_ACTOR, contoso.tenant.id, { displayName: 'SSPR users' });
      await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, {
        enabledFor: 'selected',
        groupId: group.id,
      });
      const users = await Promise.all(
        ['N.Enabled', 'N.Blocked', 'N.Methodless'].map(async (name) => {
          const { user } = await createUser(idp.deps, TEST_ACTOR, contoso.tenant.id, {
            userPrincipalName: `${name}@contoso.com`,
            displayName: name,
            password: USER_PASSWORD,
          });
          return user;
        }),
      );
      const [enabled, blocked, methodless] = users as [Contoso['simon'], Contoso['simon'], Contoso['simon']];
      for (const user of [enabled, blocked, methodless]) {
        await addMember(idp.deps, TEST_ACTOR, contoso.tenant.id, group.id, user.id);
      }
      await registerTotp(idp.deps, enabled);
      await registerTotp(idp.deps, blocked);
      await setAccountEnabled(idp.deps, TEST_ACTOR, contoso.tenant.id, blocked.id, false);
      const fabrikam = await createTenant(idp.deps, TEST_ACTOR, { name: 'Fabrikam', domain: 'fabrikam.com' });
      await setPasswordResetPolicy(idp.deps, TEST_ACTOR, fabrikam.id, { enabledFor: 'all' });
      const { user: foreign } = await createUser(idp.deps, TEST_ACTOR, fabrikam.id, {
        userPrincipalName: 'F.User@fabrikam.com',
        displayName: 'F.User',
        password: USER_PASSWORD,
      });
      const foreignKey = await registerTotp(idp.deps, foreign);
      idp.clock.advance(30);

      const names = [
        enabled.userPrincipalName, // may reset
        'Nobody@contoso.com', // unknown
        SIMON, // not in the group (not enabled)
        blocked.userPrincipalName,
        methodless.userPrincipalName,
        foreign.userPrincipalName, // at Contoso's address: not of this tenant
      ];
      const answers = [];
      for (const name of names) {
        const browser = new Browser(idp.app);
        const { posted, page } = await startReset(browser, name, contoso.tenant.id);
        const wrong = await browser.post(`/${contoso.tenant.id}/passwordreset/verify`, {
          rid: ridOf(page),
          otc: '000000',
        });
        const passkey = await browser.post(`/${contoso.tenant.id}/passwordreset/passkey`, {
          rid: ridOf(page),
          response: '{}',
        });
        answers.push({
          name,
          first: [posted.statusCode, posted.headers.location, posted.body],
          verify: [page.statusCode, shapeOf(page, name)],
          options: passkeyOptionsOf<{ allowCredentials?: unknown[] }>(page.body),
          wrong: [wrong.statusCode, shapeOf(wrong, name)],
          passkey: [passkey.statusCode, shapeOf(passkey, name)],
        });
      }
      const [reference, ...others] = answers;
      assert.equal(reference!.first[0], 303);
      assert.match(String(reference!.verify[1]), /If you can reset your password/);
      for (const other of others) {
        assert.deepEqual(other.first, reference!.first, `first answer for ${other.name}`);
        assert.deepEqual(other.verify, reference!.verify, `verify page for ${other.name}`);
        assert.deepEqual(other.wrong, reference!.wrong, `wrong code for ${other.name}`);
        assert.deepEqual(other.passkey, reference!.passkey, `passkey refusal for ${other.name}`);
      }
      // Why, in the audit log only (the admin's view), for the users of this tenant.
      const reasons = (await listAudit(idp.deps.db, contoso.tenant.id)).map((e) => [
        e.targetName,
        (e.details as { reason?: string }).reason,
      ]);
      for (const [user, reason] of [
        [SIMON, 'notEnabled'],
        [blocked.userPrincipalName, 'accountDisabled'],
        [methodless.userPrincipalName, 'noMethod'],
        [enabled.userPrincipalName, 'wrongCode'],
      ]) {
        assert.ok(
          reasons.some(([u, r]) => u === user && r === reason),
          `${user}: ${reason}`,
        );
      }
      // A user of another tenant does not reset at this tenant's address, even with the right code.
      const browser = new Browser(idp.app);
      const { page } = await startReset(browser, foreign.userPrincipalName, contoso.tenant.id);
      const right = await browser.post(`/${contoso.tenant.id}/passwordreset/verify`, {
        rid: ridOf(page),
        otc: codeAt(idp.deps, foreignKey),
      });
      assert.equal(right.statusCode, 401);
      // The passkey options name no credential, whoever asks (the list would tell who has passkeys).
      for (const answer of answers) assert.deepEqual(answer.options.allowCredentials ?? [], []);
    });
  });
}
