import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../../../../test/support/processes.ts';
import { tokenFor } from '../../test/support/api.ts';
import { DIALECTS, startIdp } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { runApiCommand } from '../cli/commands.ts';
import { listNamedLocations, listPolicies } from './conditional-access.repository.ts';

for (const dialect of DIALECTS) {
  describe(`federa-idp conditional-access on ${dialect}`, () => {
    test('creates, lists, switches and deletes named locations and policies; refusals exit 1 with the field', async (t) => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const idp = await startIdp(dialect, { baseUrl });
      t.after(() => idp.close());
      await idp.app.listen({ host: '127.0.0.1', port });
      const contoso = await seedContoso(idp.deps);
      const env = { FEDERA_IDP_URL: baseUrl, FEDERA_IDP_TOKEN: await tokenFor(idp.deps, contoso.admin) };
      const run = async (...args: string[]) => {
        let out = '';
        let err = '';
        const code = await runApiCommand(
          args[0]!,
          args.slice(1),
          { out: (s) => (out += s), err: (s) => (err += s) },
          env,
        );
        return { code, out, err };
      };

      const created = await run(
        'ca',
        'locations',
        'create',
        '--name',
        'Contoso office',
        '--range',
        '203.0.113.0/24',
        '--range',
        '2001:db8::/48',
        '--trusted',
      );
      assert.equal(created.code, 0, created.err);
      const [office] = await listNamedLocations(idp.deps.db, contoso.tenant.id);
      assert.ok(office?.isTrusted);
      assert.match(
        (await run('conditional-access', 'locations', 'list')).out,
        /Contoso office\s+yes\s+203\.0\.113\.0\/24, 2001:db8::\/48/,
      );
      const bad = await run('ca', 'locations', 'create', '--name', 'Bad', '--range', '203.0.113.0');
      assert.equal(bad.code, 1);
      assert.match(bad.err, /not a CIDR range/);

      const dir = mkdtempSync(join(tmpdir(), 'federa-ca-'));
      const file = join(dir, 'policy.json');
      writeFileSync(
        file,
        JSON.stringify({
          displayName: 'Block outside Contoso’s network',
          state: 'enabledForReportingButNotEnforced',
          conditions: {
            users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
            applications: { includeApplications: ['All'] },
            locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
          },
          grantControls: { operator: 'OR', builtInControls: ['block'] },
        }),
      );
      const made = await run('ca', 'policies', 'create', '--file', file);
      assert.equal(made.code, 0, made.err);
      const [policy] = await listPolicies(idp.deps.db, contoso.tenant.id);
      assert.match(made.out, new RegExp(`Report-only\\), ID ${policy!.id}`));
      assert.equal((await run('ca', 'policies', 'state', policy!.id, 'on')).code, 0);
      assert.match((await run('ca', 'policies', 'list')).out, /Block outside Contoso’s network\s+On/);
      assert.equal(JSON.parse((await run('ca', 'policies', 'show', policy!.id)).out).state, 'enabled');
      assert.equal((await run('ca', 'policies', 'state', policy!.id, 'maybe')).code, 2);

      // The policy reaches the location only through AllTrusted (it does not name it): it can go.
      assert.equal(
        (await run('ca', 'locations', 'delete', office!.id)).code,
        0,
        'AllTrusted is not a reference to it',
      );
      assert.equal((await run('ca', 'policies', 'delete', policy!.id)).code, 0);
      assert.deepEqual(await listPolicies(idp.deps.db, contoso.tenant.id), []);
      const json = await run('ca', 'policies', 'create', '--file', file, '--json');
      assert.equal(json.code, 0);
      assert.equal(JSON.parse(json.out).conditions.locations.excludeLocations[0], 'AllTrusted');
    });
  });
}
