import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuthMethod, evaluate, type SignInFacts } from './evaluate.ts';
import type { NamedLocation } from './named-location.ts';
import { rangeOf } from './named-location.ts';
import { platformOf } from './platform.ts';
import type { ConditionalAccessPolicy, GrantControls, PolicyInput } from './policy.ts';

// Entra's evaluation rules, one by one, on the pure function (the database-backed and route tests
// run the same rules through stored policies and real sign-ins).

const USER = '11111111-1111-4111-8111-111111111111';
const ADMIN = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';
const SENTRY = '44444444-4444-4444-8444-444444444444';
const OTHER_APP = '55555555-5555-4555-8555-555555555555';
const OFFICE = '66666666-6666-4666-8666-666666666666';
const LAB = '77777777-7777-4777-8777-777777777777';
const NOW = new Date('2026-03-02T12:00:00.000Z');
const UA = {
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  iOS: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  macOS:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
};

const LOCATIONS: NamedLocation[] = [
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: OFFICE,
    displayName: 'Contoso office',
    isTrusted: true,
    ipRanges: ['203.0.113.0/24', '2001:db8:1::/48'].map(rangeOf),
    createdDateTime: NOW.toISOString(),
    modifiedDateTime: null,
  },
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: LAB,
    displayName: 'Lab',
    isTrusted: false,
    ipRanges: ['198.51.100.0/24'].map(rangeOf),
    createdDateTime: NOW.toISOString(),
    modifiedDateTime: null,
  },
];

let n = 0;
function policy(
  overrides: Omit<Partial<PolicyInput>, 'conditions'> & {
    conditions?: Partial<PolicyInput['conditions']>;
  } = {},
): ConditionalAccessPolicy {
  n += 1;
  const { conditions, ...rest } = overrides;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    displayName: `Policy ${n}`,
    state: 'enabled',
    createdDateTime: NOW.toISOString(),
    modifiedDateTime: null,
    grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    sessionControls: null,
    ...rest,
    conditions: {
      users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [] },
      applications: { includeApplications: ['All'], excludeApplications: [] },
      locations: null,
      platforms: null,
      clientAppTypes: ['all'],
      ...conditions,
    },
  };
}

const block: GrantControls = { operator: 'OR', builtInControls: ['block'], authenticationStrength: null };
const PHISHING_RESISTANT = {
  id: '00000000-0000-0000-0000-000000000004',
  displayName: 'Phishing-resistant MFA',
};

function facts(overrides: Partial<SignInFacts> = {}, methods: AuthMethod[] = ['password']): SignInFacts {
  return {
    userId: USER,
    groupIds: [],
    appId: SENTRY,
    ipAddress: '192.0.2.10',
    platform: 'windows',
    clientAppType: 'browser',
    now: NOW,
    session: { lastInteractiveAt: NOW, methods },
    ...overrides,
  };
}

describe('Conditional Access evaluation', () => {
  test('no policy: notApplied, nothing required', () => {
    const outcome = evaluate(facts(), [], LOCATIONS);
    assert.equal(outcome.status, 'notApplied');
    assert.equal(outcome.blockedBy, null);
    assert.deepEqual(outcome.requiredGrants, []);
  });

  test('block wins over a policy the user satisfies, and over unmet grants', () => {
    const mfa = policy({ displayName: 'Require MFA' });
    const blocking = policy({ displayName: 'Block all', grantControls: block });
    const outcome = evaluate(facts({}, ['password', 'totp']), [mfa, blocking], LOCATIONS);
    assert.deepEqual(outcome.blockedBy, { id: blocking.id, displayName: 'Block all' });
    assert.equal(outcome.status, 'failure');
    assert.deepEqual(outcome.requiredGrants, []);
    assert.equal(outcome.policies.find((p) => p.id === mfa.id)?.result, 'success');
    assert.equal(outcome.policies.find((p) => p.id === blocking.id)?.result, 'failure');
    assert.deepEqual(outcome.policies.find((p) => p.id === blocking.id)?.enforcedGrantControls, ['Block']);
  });

  test('every applicable enabled policy must be satisfied: MFA from one, phishing-resistant from another', () => {
    const outcome = evaluate(
      facts(),
      [
        policy(),
        policy({
          grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: PHISHING_RESISTANT },
        }),
      ],
      LOCATIONS,
    );
    assert.deepEqual(outcome.requiredGrants, ['mfa', 'phishingResistantMfa'], 'Entra’s order: MFA first');
    assert.equal(outcome.status, 'failure');
    const afterTotp = evaluate(
      facts({}, ['password', 'totp']),
      [
        policy(),
        policy({
          grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: PHISHING_RESISTANT },
        }),
      ],
      LOCATIONS,
    );
    assert.deepEqual(
      afterTotp.requiredGrants,
      ['phishingResistantMfa'],
      'a TOTP code is not phishing-resistant',
    );
    const afterPasskey = evaluate(facts({}, ['password', 'passkey']), [policy()], LOCATIONS);
    assert.equal(afterPasskey.status, 'success');
  });

  test('exclusions win: an excluded user, or a member of an excluded group, is out of scope', () => {
    const p = policy({
      grantControls: block,
      conditions: {
        users: { includeUsers: ['All'], excludeUsers: [ADMIN], includeGroups: [], excludeGroups: [GROUP] },
      },
    });
    assert.ok(evaluate(facts(), [p], LOCATIONS).blockedBy);
    const admin = evaluate(facts({ userId: ADMIN }), [p], LOCATIONS);
    assert.equal(admin.blockedBy, null);
    assert.equal(admin.policies[0]?.result, 'notApplied');
    assert.equal(admin.policies[0]?.conditionNotSatisfied, 'users');
    const member = evaluate(facts({ groupIds: [GROUP] }), [p], LOCATIONS);
    assert.equal(member.blockedBy, null, 'excluded through the group even though All users are included');
    const included = policy({
      grantControls: block,
      conditions: {
        users: { includeUsers: [], excludeUsers: [USER], includeGroups: [GROUP], excludeGroups: [] },
      },
    });
    assert.equal(
      evaluate(facts({ groupIds: [GROUP] }), [included], LOCATIONS).blockedBy,
      null,
      'user exclusion beats group inclusion',
    );
  });

  test('applications: All, a selected app, and an excluded app', () => {
    const selected = policy({
      grantControls: block,
      conditions: { applications: { includeApplications: [SENTRY], excludeApplications: [] } },
    });
    assert.ok(evaluate(facts(), [selected], LOCATIONS).blockedBy);
    const other = evaluate(facts({ appId: OTHER_APP }), [selected], LOCATIONS);
    assert.equal(other.policies[0]?.conditionNotSatisfied, 'application');
    const excluded = policy({
      grantControls: block,
      conditions: { applications: { includeApplications: ['All'], excludeApplications: [SENTRY] } },
    });
    assert.equal(evaluate(facts(), [excluded], LOCATIONS).blockedBy, null);
  });

  test('AND needs every control, OR any one of them (the first asked for)', () => {
    const and = policy({
      grantControls: { operator: 'AND', builtInControls: ['mfa'], authenticationStrength: null },
    });
    const orWithStrength = policy({
      grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: PHISHING_RESISTANT },
    });
    const or: ConditionalAccessPolicy = {
      ...and,
      id: 'or',
      grantControls: { ...and.grantControls!, operator: 'OR' },
    };
    assert.deepEqual(evaluate(facts(), [and], LOCATIONS).requiredGrants, ['mfa']);
    assert.deepEqual(evaluate(facts(), [or], LOCATIONS).requiredGrants, ['mfa']);
    assert.deepEqual(evaluate(facts(), [orWithStrength], LOCATIONS).requiredGrants, ['phishingResistantMfa']);
    // Two grant kinds in one policy (the portal refuses MFA next to a strength, as Entra does; the
    // evaluation still honours the operator):
    const mixedAnd: ConditionalAccessPolicy = {
      ...and,
      id: 'mixed-and',
      grantControls: {
        operator: 'AND',
        builtInControls: ['mfa'],
        authenticationStrength: PHISHING_RESISTANT,
      },
    };
    const mixedOr: ConditionalAccessPolicy = {
      ...mixedAnd,
      id: 'mixed-or',
      grantControls: { ...mixedAnd.grantControls!, operator: 'OR' },
    };
    assert.deepEqual(evaluate(facts(), [mixedAnd], LOCATIONS).requiredGrants, [
      'mfa',
      'phishingResistantMfa',
    ]);
    assert.deepEqual(
      evaluate(facts(), [mixedOr], LOCATIONS).requiredGrants,
      ['mfa'],
      'OR: the first in Entra’s order',
    );
    assert.equal(
      evaluate(facts({}, ['password', 'totp']), [mixedOr], LOCATIONS).status,
      'success',
      'OR: one satisfied is enough',
    );
    assert.deepEqual(
      evaluate(facts({}, ['password', 'totp']), [mixedAnd], LOCATIONS).requiredGrants,
      ['phishingResistantMfa'],
      'AND: all',
    );
  });

  test('report-only policies are evaluated and logged, never enforced', () => {
    const reportBlock = policy({ state: 'enabledForReportingButNotEnforced', grantControls: block });
    const reportMfa = policy({ state: 'enabledForReportingButNotEnforced' });
    const reportElsewhere = policy({
      state: 'enabledForReportingButNotEnforced',
      conditions: { applications: { includeApplications: [OTHER_APP], excludeApplications: [] } },
    });
    const off = policy({ state: 'disabled', grantControls: block });
    const outcome = evaluate(facts(), [reportBlock, reportMfa, reportElsewhere, off], LOCATIONS);
    assert.equal(outcome.blockedBy, null);
    assert.deepEqual(outcome.requiredGrants, []);
    assert.equal(
      outcome.status,
      'notApplied',
      'report-only results do not make the sign-in a success or failure',
    );
    assert.deepEqual(
      outcome.policies.map((p) => p.result),
      ['reportOnlyFailure', 'reportOnlyFailure', 'reportOnlyNotApplied', 'notEnabled'],
    );
    const satisfied = evaluate(facts({}, ['password', 'totp']), [reportMfa], LOCATIONS);
    assert.equal(satisfied.policies[0]?.result, 'reportOnlySuccess');
  });

  test('locations: any location, all trusted, selected ones, exclusions', () => {
    const outsideTrusted = policy({
      displayName: 'Block outside Contoso’s network',
      grantControls: block,
      conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
    });
    assert.ok(evaluate(facts({ ipAddress: '192.0.2.10' }), [outsideTrusted], LOCATIONS).blockedBy);
    const inOffice = evaluate(facts({ ipAddress: '203.0.113.40' }), [outsideTrusted], LOCATIONS);
    assert.equal(inOffice.blockedBy, null);
    assert.equal(inOffice.policies[0]?.conditionNotSatisfied, 'location');
    assert.deepEqual(
      inOffice.namedLocations.map((l) => l.displayName),
      ['Contoso office'],
    );
    assert.equal(
      evaluate(facts({ ipAddress: '2001:db8:1::7' }), [outsideTrusted], LOCATIONS).blockedBy,
      null,
      'IPv6',
    );
    assert.equal(
      evaluate(facts({ ipAddress: '::ffff:203.0.113.40' }), [outsideTrusted], LOCATIONS).blockedBy,
      null,
      'IPv4-mapped',
    );
    assert.ok(
      evaluate(facts({ ipAddress: '198.51.100.9' }), [outsideTrusted], LOCATIONS).blockedBy,
      'the lab is not trusted',
    );
    const lab = policy({
      grantControls: block,
      conditions: { locations: { includeLocations: [LAB], excludeLocations: [] } },
    });
    assert.ok(evaluate(facts({ ipAddress: '198.51.100.9' }), [lab], LOCATIONS).blockedBy);
    assert.equal(evaluate(facts({ ipAddress: '203.0.113.40' }), [lab], LOCATIONS).blockedBy, null);
    const unknown = evaluate(facts({ ipAddress: null }), [lab], LOCATIONS);
    assert.equal(
      unknown.policies[0]?.conditionNotSatisfied,
      'location',
      'no address: a location condition cannot match',
    );
  });

  test('device platforms from the User-Agent: included, excluded, unknown', () => {
    assert.equal(platformOf(UA.windows), 'windows');
    assert.equal(platformOf(UA.iOS), 'iOS');
    assert.equal(platformOf(UA.android), 'android');
    assert.equal(platformOf(UA.macOS), 'macOS');
    assert.equal(platformOf(UA.linux), 'linux');
    assert.equal(platformOf('curl/8.0'), null);
    assert.equal(platformOf(''), null);
    const mobile = policy({
      grantControls: block,
      conditions: { platforms: { includePlatforms: ['android', 'iOS'], excludePlatforms: [] } },
    });
    assert.ok(evaluate(facts({ platform: platformOf(UA.iOS) }), [mobile], LOCATIONS).blockedBy);
    const desktop = evaluate(facts({ platform: platformOf(UA.windows) }), [mobile], LOCATIONS);
    assert.equal(desktop.policies[0]?.conditionNotSatisfied, 'devicePlatform');
    // Microsoft's recommended "block unsupported platforms": any platform except the supported ones.
    const unsupported = policy({
      grantControls: block,
      conditions: {
        platforms: { includePlatforms: ['all'], excludePlatforms: ['android', 'iOS', 'windows', 'macOS'] },
      },
    });
    assert.ok(evaluate(facts({ platform: platformOf(UA.linux) }), [unsupported], LOCATIONS).blockedBy);
    assert.ok(
      evaluate(facts({ platform: null }), [unsupported], LOCATIONS).blockedBy,
      'an unknown platform is in “all”',
    );
    assert.equal(evaluate(facts({ platform: 'macOS' }), [unsupported], LOCATIONS).blockedBy, null);
  });

  test('client apps: a SAML sign-in is a browser', () => {
    const browser = policy({ grantControls: block, conditions: { clientAppTypes: ['browser'] } });
    assert.ok(evaluate(facts(), [browser], LOCATIONS).blockedBy);
    const legacy = policy({
      grantControls: block,
      conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] },
    });
    assert.equal(evaluate(facts(), [legacy], LOCATIONS).policies[0]?.conditionNotSatisfied, 'clientType');
  });

  test('sign-in frequency: the strictest applies, measured from the last interactive sign-in (injected clock)', () => {
    const eightHours = policy({
      grantControls: null,
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
    });
    const oneDay = policy({
      grantControls: null,
      sessionControls: {
        signInFrequency: {
          isEnabled: true,
          type: 'days',
          value: 1,
          frequencyInterval: 'timeBased',
          authenticationType: 'primaryAndSecondaryAuthentication',
        },
        persistentBrowser: null,
      },
    });
    const signedInAt = (hoursAgo: number) =>
      facts({
        session: { lastInteractiveAt: new Date(NOW.getTime() - hoursAgo * 3600_000), methods: ['password'] },
      });
    const fresh = evaluate(signedInAt(7.9), [eightHours, oneDay], LOCATIONS);
    assert.equal(fresh.reauthenticate, false);
    assert.deepEqual(fresh.signInFrequency, { policyId: eightHours.id, everyTime: false, seconds: 8 * 3600 });
    assert.equal(fresh.status, 'success');
    assert.deepEqual(fresh.policies[0]?.enforcedSessionControls, ['SignInFrequency']);
    assert.equal(evaluate(signedInAt(8.1), [eightHours, oneDay], LOCATIONS).reauthenticate, true);
    assert.equal(evaluate(signedInAt(8.1), [oneDay], LOCATIONS).reauthenticate, false);
    assert.equal(evaluate(signedInAt(24.1), [oneDay], LOCATIONS).reauthenticate, true);
  });

  test('every time: no new prompt within Entra’s five-minute tolerance', () => {
    const everyTime = policy({
      grantControls: null,
      sessionControls: {
        signInFrequency: {
          isEnabled: true,
          type: null,
          value: null,
          frequencyInterval: 'everyTime',
          authenticationType: 'primaryAndSecondaryAuthentication',
        },
        persistentBrowser: null,
      },
    });
    const at = (seconds: number) =>
      facts({
        session: { lastInteractiveAt: new Date(NOW.getTime() - seconds * 1000), methods: ['password'] },
      });
    assert.equal(evaluate(at(299), [everyTime], LOCATIONS).reauthenticate, false);
    assert.equal(evaluate(at(301), [everyTime], LOCATIONS).reauthenticate, true);
    const disabled = {
      ...everyTime,
      sessionControls: {
        signInFrequency: { ...everyTime.sessionControls!.signInFrequency!, isEnabled: false },
        persistentBrowser: null,
      },
    };
    assert.equal(evaluate(at(3600), [disabled], LOCATIONS).reauthenticate, false);
  });

  test('persistent browser session: never wins over always; a report-only one is not applied', () => {
    const always = policy({
      grantControls: null,
      sessionControls: { signInFrequency: null, persistentBrowser: { isEnabled: true, mode: 'always' } },
    });
    const never = policy({
      grantControls: null,
      sessionControls: { signInFrequency: null, persistentBrowser: { isEnabled: true, mode: 'never' } },
    });
    assert.equal(evaluate(facts(), [always], LOCATIONS).persistentBrowser, 'always');
    assert.equal(evaluate(facts(), [always, never], LOCATIONS).persistentBrowser, 'never');
    assert.equal(
      evaluate(facts(), [{ ...never, state: 'enabledForReportingButNotEnforced' }], LOCATIONS)
        .persistentBrowser,
      null,
    );
  });
});
