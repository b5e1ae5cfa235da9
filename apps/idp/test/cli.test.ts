import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BINDING, buildSpMetadata, parseMetadata } from '@federa/saml';
import { freePort } from '../../../test/support/processes.ts';
import { listAssignments } from '../src/assignments/assignments.repository.ts';
import { createTenant } from '../src/tenants/tenants.service.ts';
import { findUserByUpn, type User } from '../src/users/users.repository.ts';
import { createUser } from '../src/users/users.service.ts';
import { tokenFor } from './support/api.ts';
import { Browser } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR, type TestIdp } from './support/harness.ts';

const BIN = fileURLToPath(new URL('../bin/federa-idp.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs federa-idp as a child process (asynchronously: this process serves the API meanwhile). */
function runCli(env: Record<string, string | undefined>, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, FEDERA_IDP_URL: undefined, FEDERA_IDP_TOKEN: undefined, ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

interface Listening {
  idp: TestIdp;
  baseUrl: string;
  admin: User;
  cli(...args: string[]): Promise<Run>;
  /** Stops listening and closes the database (also after a failed assertion). */
  stop(): Promise<void>;
}

/** Federa Directory listening on a free 127.0.0.1 port, tenant Contoso with its administrator only. */
async function listening(t: TestContext, dialect: (typeof DIALECTS)[number]): Promise<Listening> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const idp = await startIdp(dialect, { baseUrl });
  await idp.app.listen({ host: '127.0.0.1', port });
  const tenant = await createTenant(idp.deps, TEST_ACTOR, { name: 'Contoso', domain: 'contoso.com' });
  const { user: admin } = await createUser(idp.deps, TEST_ACTOR, tenant.id, {
    userPrincipalName: 'admin@contoso.com',
    displayName: 'Contoso Admin',
    isAdmin: true,
  });
  const env = { FEDERA_IDP_URL: baseUrl, FEDERA_IDP_TOKEN: await tokenFor(idp.deps, admin, 'cli') };
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= idp.close();
    return stopped;
  };
  t.after(stop);
  return { idp, baseUrl, admin, cli: (...args) => runCli(env, args), stop };
}

function ok(run: Run): Run {
  assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run;
}

for (const dialect of DIALECTS) {
  describe(`federa-idp over the admin API on ${dialect}`, () => {
    test('the tutorial’s Directory steps, scripted: add Sentry (self-hosted) for acme, create B.Simon, assign her, copy the metadata URL', async (t) => {
      const { idp, baseUrl, cli } = await listening(t, dialect);
      const added = JSON.parse(
        ok(
          await cli(
            'apps',
            'add-gallery',
            '--template',
            'sentry-self-hosted',
            '--host',
            'http://localhost:5000',
            '--org',
            'acme',
            '--json',
          ),
        ).stdout,
      );
      assert.equal(added.displayName, 'Sentry (self-hosted)');
      assert.deepEqual(added.saml.identifiers, [
        { identifier: 'http://localhost:5000/saml/metadata/acme/', isDefault: true },
      ]);
      assert.equal(added.saml.replyUrls[0].url, 'http://localhost:5000/saml/acs/acme/');
      assert.equal(added.saml.signOnUrl, 'http://localhost:5000/organizations/acme/');

      const created = ok(await cli('users', 'create', '--upn', 'B.Simon@contoso.com', '--name', 'B.Simon'));
      assert.match(created.stdout, /^Created B\.Simon \(B\.Simon@contoso\.com\)/);
      assert.match(created.stdout, /Password \(shown only now\): \S{12,}/);
      // Temporary, as the portal makes it; --no-force-change-password keeps the one given.
      assert.match(created.stdout, /B\.Simon will be asked to choose a new password at the next sign-in/);
      const kept = ok(
        await cli(
          'users',
          'create',
          '--upn',
          'Kept@contoso.com',
          '--name',
          'Kept',
          '--password',
          'Kept-Pa55word!',
          '--no-force-change-password',
          '--json',
        ),
      );
      assert.deepEqual(JSON.parse(kept.stdout).user.passwordProfile, {
        forceChangePasswordNextSignIn: false,
      });

      const assigned = ok(
        await cli('assign', '--app', 'Sentry (self-hosted)', '--user', 'B.Simon@contoso.com'),
      );
      assert.match(
        assigned.stdout,
        /Assigned B\.Simon \(B\.Simon@contoso\.com\) to Sentry \(self-hosted\) with Default Access/,
      );

      const url = ok(await cli('apps', 'metadata-url', 'Sentry (self-hosted)')).stdout.trim();
      assert.match(
        url,
        /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}\/federationmetadata\/2007-06\/federationmetadata\.xml\?appid=/,
      );
      assert.ok(url.startsWith(baseUrl));
      const metadata = await fetch(url);
      assert.equal(metadata.status, 200);
      const entity = parseMetadata(await metadata.text(), { role: 'idp' });
      assert.equal(entity.signature, 'verified-self', 'signed metadata, verified');
      assert.equal(entity.entityId, `${baseUrl}/${url.split('/')[3]}/`);
      assert.equal(entity.idp!.signingCertificates.length, 1);

      const simon = await findUserByUpn(idp.deps.db, 'B.Simon@contoso.com');
      const assignments = await listAssignments(idp.deps.db, added.id);
      assert.deepEqual(
        assignments.map((a) => [a.principalId, a.roleName]),
        [[simon!.id, 'Default Access']],
      );
      const listed = ok(await cli('assignments', '--app', added.appId)).stdout;
      assert.match(listed, /B\.Simon \(B\.Simon@contoso\.com\)\s+user\s+Default Access/);
    });

    test('prints tables for people and JSON for scripts: users, groups, apps, certificates, sign-ins', async (t) => {
      const { idp, cli } = await listening(t, dialect);
      ok(await cli('apps', 'add-gallery', '--template', 'sentry', '--org', 'acme'));
      ok(
        await cli(
          'users',
          'create',
          '--upn',
          'B.Simon@contoso.com',
          '--name',
          'B.Simon',
          '--mail',
          'b.simon@contoso.com',
        ),
      );

      const users = ok(await cli('users', 'list')).stdout.split('\n');
      assert.match(users[0]!, /^Display name\s+User principal name\s+Mail\s+Enabled\s+Admin\s+Object ID$/);
      assert.match(users[1]!, /^-+\s+-+/);
      assert.ok(
        users.some((line) =>
          /^B\.Simon\s+B\.Simon@contoso\.com\s+b\.simon@contoso\.com\s+yes\s+no\s+[0-9a-f-]{36}$/.test(line),
        ),
      );
      const usersJson = JSON.parse(ok(await cli('users', 'list', '--json')).stdout);
      assert.equal(usersJson.value.length, 2);
      assert.match(ok(await cli('whoami')).stdout, /Tenant:\s+Contoso/);

      ok(await cli('groups', 'create', '--name', 'Sentry users'));
      assert.match(
        ok(await cli('groups', 'add-member', 'Sentry users', 'B.Simon@contoso.com')).stdout,
        /1 member/,
      );
      assert.match(ok(await cli('groups', 'list')).stdout, /Sentry users\s+1\s+[0-9a-f-]{36}/);
      assert.match(ok(await cli('groups', 'members', 'Sentry users')).stdout, /B\.Simon@contoso\.com/);
      assert.match(
        ok(await cli('assign', '--app', 'Sentry', '--group', 'Sentry users')).stdout,
        /with Default Access/,
      );

      assert.match(
        ok(await cli('apps', 'list')).stdout,
        /^Sentry\s+[0-9a-f-]{36}\s+[0-9a-f-]{36}\s+sentry\s+yes$/m,
      );
      const shown = ok(await cli('apps', 'show', 'Sentry')).stdout;
      assert.match(shown, /Reply URL:\s+https:\/\/sentry\.io\/saml\/acs\/acme\//);
      assert.match(shown, /App Federation Metadata URL:\s+http/);

      const saml = ok(
        await cli(
          'apps',
          'set-saml',
          'Sentry',
          '--reply-url',
          'https://sentry.io/saml/acs/acme/',
          '--reply-url',
          'https://eu.sentry.io/saml/acs/acme/',
          '--relay-state',
          '/organizations/acme/issues/',
          '--signing-option',
          'both',
          '--json',
        ),
      );
      const settings = JSON.parse(saml.stdout);
      assert.equal(settings.replyUrls.length, 2);
      assert.equal(settings.relayState, '/organizations/acme/issues/');
      assert.equal(settings.signingOption, 'both');
      ok(await cli('apps', 'set', 'Sentry', '--assignment-required', 'no'));
      assert.match(ok(await cli('apps', 'show', 'Sentry')).stdout, /Assignment required:\s+no/);

      const dir = mkdtempSync(join(tmpdir(), 'federa-idp-cli-'));
      const file = join(dir, 'sp.xml');
      writeFileSync(
        file,
        buildSpMetadata({
          entityId: 'https://wiki.example.com/saml/',
          authnRequestsSigned: false,
          wantAssertionsSigned: true,
          acs: [
            {
              location: 'https://wiki.example.com/saml/acs',
              index: 0,
              isDefault: true,
              binding: BINDING.post,
            },
          ],
        }),
      );
      ok(await cli('apps', 'add-gallery', '--template', 'custom', '--name', 'Wiki'));
      assert.match(
        ok(await cli('apps', 'set-saml', 'Wiki', '--metadata-file', file)).stdout,
        /https:\/\/wiki\.example\.com\/saml\/acs/,
      );

      const certs = ok(await cli('certs', 'list', '--app', 'Sentry')).stdout;
      assert.match(certs, /^Active\s+[0-9A-F]{40}\s/m);
      const made = JSON.parse(ok(await cli('certs', 'create', '--app', 'Sentry', '--json')).stdout);
      assert.equal(made.isActive, false);
      assert.match(
        ok(await cli('certs', 'activate', '--app', 'Sentry', made.thumbprint)).stdout,
        /is active/,
      );
      assert.match(
        ok(await cli('certs', 'list', '--app', 'Sentry')).stdout,
        new RegExp(`^Active\\s+${made.thumbprint}`, 'm'),
      );
      assert.match(
        ok(await cli('certs', 'download', '--app', 'Sentry', made.thumbprint)).stdout,
        /^-----BEGIN CERTIFICATE-----/,
      );

      assert.match(ok(await cli('users', 'block', 'B.Simon@contoso.com')).stdout, /sign-in blocked/);
      assert.match(ok(await cli('users', 'unblock', 'B.Simon@contoso.com')).stdout, /sign-in allowed/);
      const reset = ok(await cli('users', 'reset-password', 'B.Simon@contoso.com')).stdout;
      assert.match(reset, /New password of B\.Simon@contoso\.com \(shown only now\): \S+/);
      assert.match(reset, /It is temporary/);

      await new Browser(idp.app).signIn('B.Simon@contoso.com', 'not-her-password');
      const failures = ok(await cli('sign-ins', '--result', 'failure')).stdout;
      assert.match(failures, /^Date\s+User\s+Application\s+Status\s+Error code/);
      assert.match(
        failures,
        /B\.Simon@contoso\.com\s+My Apps\s+failure\s+AADSTS50126\s+Invalid username or password\./,
      );
      assert.match(ok(await cli('sign-ins', '--result', 'success')).stdout, /No sign-ins match\./);
    });

    test('exits 1 with the Directory’s message when it refuses, 2 on wrong usage', async (t) => {
      const { stop, baseUrl, cli } = await listening(t, dialect);
      const foreign = await cli('users', 'create', '--upn', 'x@fabrikam.com', '--name', 'X');
      assert.equal(foreign.code, 1);
      assert.match(foreign.stderr, /verified domains: contoso\.com/);
      assert.match(foreign.stderr, /HTTP 400, code validation_failed, correlation ID/);
      const foreignJson = await cli('users', 'create', '--upn', 'x@fabrikam.com', '--name', 'X', '--json');
      assert.equal(foreignJson.code, 1);
      assert.equal(JSON.parse(foreignJson.stderr).error.code, 'validation_failed');
      const badSlug = await cli('apps', 'add-gallery', '--template', 'sentry', '--org', 'Not A Slug');
      assert.equal(badSlug.code, 1);
      assert.match(badSlug.stderr, /slug/);
      const noApp = await cli('apps', 'metadata-url', 'Nothing');
      assert.equal(noApp.code, 1);
      assert.match(noApp.stderr, /no application named "Nothing"/);
      const nobody = await cli('users', 'block', 'nobody@contoso.com');
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /not found/);

      for (const args of [
        [],
        ['frobnicate'],
        ['users'],
        ['users', 'create', '--name', 'X'],
        ['users', 'list', '--bogus'],
        ['users', 'block'],
        ['assign', '--app', 'Sentry'],
        ['apps', 'set', 'Sentry', '--enabled', 'perhaps'],
      ]) {
        const run = await cli(...args);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stdout + run.stderr, /Usage|usage/, args.join(' '));
      }
      assert.equal((await cli('--help')).code, 0);

      const noToken = await runCli({ FEDERA_IDP_URL: baseUrl }, ['users', 'list']);
      assert.equal(noToken.code, 2);
      assert.match(noToken.stderr, /FEDERA_IDP_TOKEN/);
      const badToken = await runCli({ FEDERA_IDP_URL: baseUrl, FEDERA_IDP_TOKEN: 'fdt_nope' }, [
        'users',
        'list',
      ]);
      assert.equal(badToken.code, 1);
      assert.match(badToken.stderr, /token is not valid/);
      await stop();
      const gone = await runCli({ FEDERA_IDP_URL: baseUrl, FEDERA_IDP_TOKEN: 'fdt_x' }, ['users', 'list']);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /Cannot reach Federa Directory/);
    });
  });
}
