import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Browser } from '../../test/support/browser.ts';
import { BASE_URL, DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from '../../test/support/harness.ts';
import { passkeyOptionsOf, SoftwareAuthenticator } from '../../test/support/passkey-authenticator.ts';
import { ridOf, startReset } from '../../test/support/password-reset.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { registerPasskey, registrationOptions } from '../mfa/passkeys/passkey.service.ts';
import type { User } from '../users/users.repository.ts';
import { setPasswordResetPolicy } from './policy.ts';

const NEW_PASSWORD = 'New-Pa55word!';
const SIMON = 'B.Simon@contoso.com';
type RequestOptions = { challenge: string; rpId: string; allowCredentials?: Array<{ id: string }> };

/** A passkey registered through the service, as Security info would (the user's only method). */
async function withPasskey(idp: TestIdp, user: User): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator(BASE_URL);
  const options = await registrationOptions(idp.deps, user, []);
  const result = await registerPasskey(idp.deps, user, {
    challenge: options.challenge,
    name: 'Work laptop',
    response: authenticator.register(options) as never,
  });
  assert.ok(result.ok);
  return authenticator;
}

for (const dialect of DIALECTS) {
  describe(`Self-service password reset with a passkey, on ${dialect}`, () => {
    test('a user with a passkey resets with it; each challenge answers one response; another user’s passkey does not verify', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      await setPasswordResetPolicy(idp.deps, TEST_ACTOR, contoso.tenant.id, { enabledFor: 'all' });
      const simonKey = await withPasskey(idp, contoso.simon);
      const otherKey = await withPasskey(idp, contoso.other);
      const browser = new Browser(idp.app);

      // E.Other's passkey in B.Simon's reset: refused.
      const first = await startReset(browser, SIMON);
      const foreign = await browser.post('/common/passwordreset/passkey', {
        rid: ridOf(first.page),
        response: JSON.stringify(otherKey.authenticate(passkeyOptionsOf<RequestOptions>(first.page.body))),
      });
      assert.equal(foreign.statusCode, 401);
      assert.match(foreign.body, /The passkey could not be verified/);

      // Her own, answering the challenge of the page it was refused on: verified.
      const options = passkeyOptionsOf<RequestOptions>(foreign.body);
      assert.deepEqual(options.allowCredentials ?? [], []);
      const assertion = JSON.stringify(simonKey.authenticate(options));
      const verified = await browser.post('/common/passwordreset/passkey', {
        rid: ridOf(foreign),
        response: assertion,
      });
      assert.equal(verified.statusCode, 303);
      assert.equal(verified.headers.location, '/common/passwordreset/new');

      // The same assertion in a new flow: its challenge was taken, and a new one is asked.
      const replayer = new Browser(idp.app);
      const second = await startReset(replayer, SIMON);
      const replayed = await replayer.post('/common/passwordreset/passkey', {
        rid: ridOf(second.page),
        response: assertion,
      });
      assert.equal(replayed.statusCode, 401);

      const form = await browser.follow(verified);
      const done = await browser.post('/common/passwordreset/new', {
        rid: ridOf(form),
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      assert.equal(done.statusCode, 200);
      assert.equal((await new Browser(idp.app).signIn(SIMON, NEW_PASSWORD)).headers.location, '/myapps');
      const audit = await listAudit(idp.deps.db, contoso.tenant.id);
      const reset = audit.find((e) => e.activity === 'Reset password (self-service)');
      assert.ok(reset);
      assert.equal((reset.details as { verifiedWith?: string }).verifiedWith, 'Passkey');
      assert.ok(
        audit.some((e) => (e.details as { reason?: string }).reason === 'CREDENTIAL_UNKNOWN'),
        'the refusal is audited with its code',
      );
    });
  });
}
