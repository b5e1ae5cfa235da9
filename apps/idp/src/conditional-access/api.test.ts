import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiClient, tokenFor } from '../../test/support/api.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from '../../test/support/harness.ts';
import { seedContoso } from '../../test/support/seed.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { setSecurityDefaults } from '../mfa/security-defaults.ts';

const PATH = '/identity/conditionalAccess';

for (const dialect of DIALECTS) {
  describe(`admin API: Conditional Access on ${dialect}`, () => {
    test('a Graph-style named location and policy round-trip: create, get, list, PATCH (204), delete', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));

      const locationBody = {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: 'Contoso office',
        isTrusted: true,
        ipRanges: [
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
          { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:1::/48' },
        ],
      };
      const created = await api.post(`${PATH}/namedLocations`, locationBody);
      assert.equal(created.status, 201, created.text);
      const location = created.body;
      assert.deepEqual(
        { ...location, id: undefined, createdDateTime: undefined, modifiedDateTime: undefined },
        {
          ...locationBody,
          id: undefined,
          createdDateTime: undefined,
          modifiedDateTime: undefined,
        },
      );
      assert.match(location.id, /^[0-9a-f-]{36}$/);

      const policyBody = {
        displayName: 'Block Sentry outside Contoso’s network',
        state: 'enabled',
        conditions: {
          users: {
            includeUsers: ['All'],
            excludeUsers: [contoso.admin.id],
            includeGroups: [],
            excludeGroups: [],
          },
          applications: { includeApplications: [contoso.app.appId], excludeApplications: [] },
          locations: { includeLocations: ['All'], excludeLocations: [location.id] },
          platforms: { includePlatforms: ['all'], excludePlatforms: ['iOS'] },
          clientAppTypes: ['browser'],
        },
        grantControls: { operator: 'OR', builtInControls: ['block'], authenticationStrength: null },
        sessionControls: {
          signInFrequency: {
            isEnabled: true,
            type: 'hours',
            value: 8,
            frequencyInterval: 'timeBased',
            authenticationType: 'primaryAndSecondaryAuthentication',
          },
          persistentBrowser: null,
        },
      };
      const made = await api.post(`${PATH}/policies`, policyBody);
      assert.equal(made.status, 201, made.text);
      const got = await api.get(`${PATH}/policies/${made.body.id}`);
      assert.equal(got.status, 200);
      const { id, createdDateTime, modifiedDateTime, ...rest } = got.body;
      assert.deepEqual(rest, policyBody, 'what was posted comes back, in Graph’s shape');
      assert.equal(modifiedDateTime, null);
      assert.ok(createdDateTime);

      const patched = await api.patch(`${PATH}/policies/${id}`, {
        state: 'enabledForReportingButNotEnforced',
        conditions: { platforms: null },
      });
      assert.equal(patched.status, 204, patched.text);
      const after = (await api.get(`${PATH}/policies/${id}`)).body;
      assert.equal(after.state, 'enabledForReportingButNotEnforced');
      assert.equal(after.conditions.platforms, null);
      assert.deepEqual(
        after.conditions.users,
        policyBody.conditions.users,
        'a PATCH keeps what it does not send',
      );
      assert.ok(after.modifiedDateTime);
      assert.equal((await api.get(`${PATH}/policies`)).body.value.length, 1);

      // A location a policy names cannot be deleted (Entra refuses too).
      const inUse = await api.delete(`${PATH}/namedLocations/${location.id}`);
      assert.equal(inUse.status, 400);
      assert.equal(inUse.body.error.code, 'validation_failed');
      const renamed = await api.patch(`${PATH}/namedLocations/${location.id}`, { displayName: 'HQ' });
      assert.equal(renamed.status, 204);
      assert.equal((await api.get(`${PATH}/namedLocations/${location.id}`)).body.ipRanges.length, 2);

      assert.equal((await api.delete(`${PATH}/policies/${id}`)).status, 204);
      assert.equal((await api.get(`${PATH}/policies/${id}`)).status, 404);
      assert.equal((await api.delete(`${PATH}/namedLocations/${location.id}`)).status, 204);
      assert.deepEqual((await api.get(`${PATH}/namedLocations`)).body.value, []);
      const activities = (await listAudit(idp.deps.db, contoso.tenant.id)).filter(
        (e) => e.category === 'Policy',
      );
      assert.equal(activities.length, 6, activities.map((e) => e.activity).join(', '));
    });

    test('CIDR ranges are validated, each error on its own field', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const refused = await api.post(`${PATH}/namedLocations`, {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: 'Bad ranges',
        ipRanges: [
          { cidrAddress: '203.0.113.0/24' },
          { cidrAddress: '10.0.0.300/8' },
          { cidrAddress: '2001:db8::1' },
          { cidrAddress: '0.0.0.0/0' },
          { cidrAddress: '2001:db8::/129' },
          { cidrAddress: '203.0.113.0/24' },
        ],
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'validation_failed');
      assert.deepEqual(Object.keys(refused.body.error.fields).sort(), [
        'ipRanges[1].cidrAddress',
        'ipRanges[2].cidrAddress',
        'ipRanges[3].cidrAddress',
        'ipRanges[4].cidrAddress',
        'ipRanges[5].cidrAddress',
      ]);
      assert.equal(
        (await api.post(`${PATH}/namedLocations`, { displayName: 'Empty', ipRanges: [] })).body.error.field,
        'ipRanges',
      );
      const country = await api.post(`${PATH}/namedLocations`, {
        '@odata.type': '#microsoft.graph.countryNamedLocation',
        displayName: 'Norway',
        countriesAndRegions: ['NO'],
      });
      assert.equal(country.body.error.fields['@odata.type'] !== undefined, true);
      assert.deepEqual((await api.get(`${PATH}/namedLocations`)).body.value, [], 'nothing half-saved');
    });

    test('refuses a policy that locks out every administrator, and says how to avoid it', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const blockAll = {
        displayName: 'Block everyone',
        state: 'enabled',
        conditions: {
          users: { includeUsers: ['All'] },
          applications: { includeApplications: ['All'] },
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        },
        grantControls: { operator: 'OR', builtInControls: ['block'] },
      };
      const refused = await api.post(`${PATH}/policies`, blockAll);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.field, 'conditions.users.excludeUsers');
      assert.match(refused.body.error.message, /Don’t lock yourself out/);
      assert.match(refused.body.error.message, /admin@contoso\.com/);
      // Report-only, or with the break-glass administrator excluded, it is accepted.
      assert.equal(
        (await api.post(`${PATH}/policies`, { ...blockAll, state: 'enabledForReportingButNotEnforced' }))
          .status,
        201,
      );
      const excluded = await api.post(`${PATH}/policies`, {
        ...blockAll,
        conditions: {
          ...blockAll.conditions,
          users: { includeUsers: ['All'], excludeUsers: [contoso.admin.id] },
        },
      });
      assert.equal(excluded.status, 201, excluded.text);
      // …and a PATCH that removes the exclusion is refused the same way.
      const patch = await api.patch(`${PATH}/policies/${excluded.body.id}`, {
        conditions: { users: { excludeUsers: [] } },
      });
      assert.equal(patch.status, 400);
      assert.equal(patch.body.error.field, 'conditions.users.excludeUsers');
      // A block of one application is not a lock-out.
      assert.equal(
        (
          await api.post(`${PATH}/policies`, {
            ...blockAll,
            conditions: {
              ...blockAll.conditions,
              applications: { includeApplications: [contoso.app.appId] },
            },
          })
        ).status,
        201,
      );
    });

    test('refuses what Entra refuses: persistent browser without All resources, unknown ids, Block with MFA, on with security defaults', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const api = apiClient(idp.app, await tokenFor(idp.deps, contoso.admin));
      const base = {
        displayName: 'Session',
        state: 'enabled',
        conditions: {
          users: { includeUsers: [contoso.simon.id] },
          applications: { includeApplications: ['All'] },
        },
        sessionControls: { persistentBrowser: { isEnabled: true, mode: 'never' } },
      };
      assert.equal((await api.post(`${PATH}/policies`, base)).status, 201, 'with All resources');
      const oneApp = await api.post(`${PATH}/policies`, {
        ...base,
        conditions: { ...base.conditions, applications: { includeApplications: [contoso.app.appId] } },
      });
      assert.equal(oneApp.status, 400);
      assert.equal(oneApp.body.error.field, 'sessionControls.persistentBrowser');
      const unknownUser = await api.post(`${PATH}/policies`, {
        ...base,
        conditions: { ...base.conditions, users: { includeUsers: ['00000000-0000-4000-8000-000000000001'] } },
      });
      assert.equal(unknownUser.body.error.field, 'conditions.users.includeUsers');
      const blockAndMfa = await api.post(`${PATH}/policies`, {
        ...base,
        grantControls: { operator: 'AND', builtInControls: ['block', 'mfa'] },
      });
      assert.equal(blockAndMfa.body.error.field, 'grantControls.builtInControls');
      const frequency = await api.post(`${PATH}/policies`, {
        ...base,
        sessionControls: {
          signInFrequency: { isEnabled: true, type: 'hours', value: 24, frequencyInterval: 'timeBased' },
        },
      });
      assert.equal(frequency.body.error.field, 'sessionControls.signInFrequency.value');
      const badState = await api.post(`${PATH}/policies`, { ...base, state: 'on' });
      assert.equal(badState.body.error.field, 'state');

      await setSecurityDefaults(idp.deps, TEST_ACTOR, contoso.tenant.id, true);
      const withDefaults = await api.post(`${PATH}/policies`, base);
      assert.equal(withDefaults.status, 400);
      assert.equal(withDefaults.body.error.field, 'state');
      assert.match(withDefaults.body.error.message, /Security defaults are on/);
      assert.equal(
        (await api.post(`${PATH}/policies`, { ...base, state: 'disabled' })).status,
        201,
        'Off is allowed',
      );
    });
  });
}
