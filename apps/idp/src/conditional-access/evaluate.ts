import type { NamedLocation } from './named-location.ts';
import { locationContains, parseClientIp } from './named-location.ts';
import {
  AUTHENTICATION_STRENGTHS,
  type ConditionalAccessPolicy,
  GRANTS,
  type Grant,
  type PersistentBrowser,
  type Platform,
  type SignInFrequency,
} from './policy.ts';

// Entra's Conditional Access evaluation (reference/conditional-access-mfa-scim.md §1), as a pure
// function: every enabled policy that applies must be satisfied; any Block ends it; unmet grants are
// asked for in Entra's order (MFA first); session controls apply (the strictest sign-in frequency);
// report-only policies are evaluated and logged but never enforced.

/** An authentication method done in this session; `password` alone is single-factor. */
export type AuthMethod = 'password' | 'totp' | 'passkey' | (string & {});

export interface SignInFacts {
  userId: string;
  groupIds: readonly string[];
  /** The application (client) id of the application signed in to. */
  appId: string;
  /** As Fastify resolved it (X-Forwarded-For only behind a trusted proxy); null when unknown (What If). */
  ipAddress: string | null;
  /** From the User-Agent; null when unrecognized. */
  platform: Platform | null;
  clientAppType: 'browser';
  now: Date;
  session: {
    /** The last time the user signed in interactively (the AuthnInstant); null: not signed in yet. */
    lastInteractiveAt: Date | null;
    methods: readonly AuthMethod[];
  };
}

/** Graph's conditionalAccessConditions names, for "the first condition that failed". */
export type ConditionName = 'users' | 'application' | 'location' | 'devicePlatform' | 'clientType';

export type PolicyResult =
  | 'success'
  | 'failure'
  | 'notApplied'
  | 'notEnabled'
  | 'reportOnlySuccess'
  | 'reportOnlyFailure'
  | 'reportOnlyNotApplied';

export interface PolicyEvaluation {
  id: string;
  displayName: string;
  state: ConditionalAccessPolicy['state'];
  result: PolicyResult;
  /** For notApplied / reportOnlyNotApplied: the first condition the sign-in did not meet. */
  conditionNotSatisfied: ConditionName | null;
  /** As the sign-in log names them: Block, Mfa, RequireAuthenticationStrength. */
  enforcedGrantControls: string[];
  /** SignInFrequency, PersistentBrowserSessionMode. */
  enforcedSessionControls: string[];
  /** Grants the user has not done yet that this policy needs (empty when satisfied or not applied). */
  unmetGrants: Grant[];
  /** The policy's sign-in frequency asks for a new interactive sign-in. */
  reauthenticate: boolean;
}

export interface Outcome {
  /** Graph's signIn.conditionalAccessStatus. */
  status: 'success' | 'failure' | 'notApplied';
  /** The first enabled policy whose Block applies: the sign-in ends with AADSTS53003. */
  blockedBy: { id: string; displayName: string } | null;
  /** Grants still to do, in Entra's order (MFA, then phishing-resistant MFA). Empty when blocked. */
  requiredGrants: Grant[];
  /** The strictest sign-in frequency of the enabled policies that apply, and whether it has passed. */
  signInFrequency: { policyId: string; everyTime: boolean; seconds: number } | null;
  reauthenticate: boolean;
  /** Persistent browser session of an enabled policy that applies (never wins over always). */
  persistentBrowser: 'always' | 'never' | null;
  /** The named locations the client IP is in. */
  namedLocations: Array<{ id: string; displayName: string; isTrusted: boolean }>;
  policies: PolicyEvaluation[];
}

/** Entra: "Every time" does not prompt again within five minutes of the last sign-in. */
export const EVERY_TIME_TOLERANCE_SECONDS = 5 * 60;

export function evaluate(
  facts: SignInFacts,
  policies: readonly ConditionalAccessPolicy[],
  locations: readonly NamedLocation[],
): Outcome {
  const ip = parseClientIp(facts.ipAddress);
  const matched = ip ? locations.filter((l) => locationContains(l, ip)) : [];
  const results = policies.map((policy) => evaluatePolicy(policy, facts, ip !== null, matched));
  const enforced = results.filter((r) => r.state === 'enabled' && r.result !== 'notApplied');
  const blocking = enforced.find((r) => r.enforcedGrantControls.includes('Block'));
  const requiredGrants = blocking
    ? []
    : GRANTS.filter((g) => enforced.some((r) => r.unmetGrants.includes(g)));

  let signInFrequency: Outcome['signInFrequency'] = null;
  let persistentBrowser: Outcome['persistentBrowser'] = null;
  for (const r of enforced) {
    const policy = policies.find((p) => p.id === r.id)!;
    const frequency = policy.sessionControls?.signInFrequency;
    if (frequency?.isEnabled) {
      const seconds = frequencySeconds(frequency);
      if (!signInFrequency || seconds < signInFrequency.seconds) {
        signInFrequency = { policyId: r.id, everyTime: frequency.frequencyInterval === 'everyTime', seconds };
      }
    }
    const persistent = policy.sessionControls?.persistentBrowser;
    if (persistent?.isEnabled) persistentBrowser = strictestPersistence(persistentBrowser, persistent);
  }
  const reauthenticate = !blocking && enforced.some((r) => r.reauthenticate);
  const failed = blocking || requiredGrants.length > 0;
  return {
    status: failed ? 'failure' : enforced.length > 0 ? 'success' : 'notApplied',
    blockedBy: blocking ? { id: blocking.id, displayName: blocking.displayName } : null,
    requiredGrants,
    signInFrequency,
    reauthenticate,
    persistentBrowser,
    namedLocations: matched.map((l) => ({ id: l.id, displayName: l.displayName, isTrusted: l.isTrusted })),
    policies: results,
  };
}

function strictestPersistence(
  current: 'always' | 'never' | null,
  next: PersistentBrowser,
): 'always' | 'never' {
  return current === 'never' || next.mode === 'never' ? 'never' : 'always';
}

function frequencySeconds(frequency: SignInFrequency): number {
  if (frequency.frequencyInterval === 'everyTime') return EVERY_TIME_TOLERANCE_SECONDS;
  return (frequency.value ?? 1) * (frequency.type === 'days' ? 86_400 : 3_600);
}

/** The first condition of the policy the sign-in does not meet, in the order Entra lists them. */
export function firstUnmetCondition(
  policy: ConditionalAccessPolicy,
  facts: SignInFacts,
  ipKnown: boolean,
  matched: readonly NamedLocation[],
): ConditionName | null {
  const { users, applications, locations, platforms, clientAppTypes } = policy.conditions;
  // Users and groups: in scope unless explicitly excluded (exclusions win).
  const inGroups = (ids: readonly string[]) => ids.some((id) => facts.groupIds.includes(id));
  const included =
    users.includeUsers.includes('All') ||
    users.includeUsers.includes(facts.userId) ||
    inGroups(users.includeGroups);
  const excluded = users.excludeUsers.includes(facts.userId) || inGroups(users.excludeGroups);
  if (!included || excluded) return 'users';

  const appIncluded =
    applications.includeApplications.includes('All') ||
    applications.includeApplications.includes(facts.appId);
  if (!appIncluded || applications.excludeApplications.includes(facts.appId)) return 'application';

  if (locations) {
    // A location condition cannot match a sign-in whose address is unknown (What If without an IP).
    if (!ipKnown) return 'location';
    const inAny = (ids: readonly string[]) =>
      ids.some((id) =>
        id === 'All'
          ? true
          : id === 'AllTrusted'
            ? matched.some((l) => l.isTrusted)
            : matched.some((l) => l.id === id),
      );
    if (!inAny(locations.includeLocations) || inAny(locations.excludeLocations)) return 'location';
  }

  if (platforms) {
    const platform = facts.platform;
    const platformIncluded =
      platforms.includePlatforms.includes('all') ||
      (platform !== null && platforms.includePlatforms.includes(platform));
    const platformExcluded = platform !== null && platforms.excludePlatforms.includes(platform);
    if (!platformIncluded || platformExcluded) return 'devicePlatform';
  }

  if (!clientAppTypes.includes('all') && !clientAppTypes.includes(facts.clientAppType)) return 'clientType';
  return null;
}

function evaluatePolicy(
  policy: ConditionalAccessPolicy,
  facts: SignInFacts,
  ipKnown: boolean,
  matched: readonly NamedLocation[],
): PolicyEvaluation {
  const base = {
    id: policy.id,
    displayName: policy.displayName,
    state: policy.state,
    conditionNotSatisfied: null,
    enforcedGrantControls: [] as string[],
    enforcedSessionControls: [] as string[],
    unmetGrants: [] as Grant[],
    reauthenticate: false,
  };
  if (policy.state === 'disabled') return { ...base, result: 'notEnabled' };
  const reportOnly = policy.state === 'enabledForReportingButNotEnforced';
  const unmet = firstUnmetCondition(policy, facts, ipKnown, matched);
  if (unmet)
    return {
      ...base,
      result: reportOnly ? 'reportOnlyNotApplied' : 'notApplied',
      conditionNotSatisfied: unmet,
    };

  const grant = policy.grantControls;
  const enforcedGrantControls: string[] = [];
  let blocked = false;
  let unmetGrants: Grant[] = [];
  if (grant) {
    if (grant.builtInControls.includes('block')) {
      enforcedGrantControls.push('Block');
      blocked = true;
    } else {
      const asked: Grant[] = [];
      if (grant.builtInControls.includes('mfa')) {
        enforcedGrantControls.push('Mfa');
        asked.push('mfa');
      }
      if (grant.authenticationStrength) {
        enforcedGrantControls.push('RequireAuthenticationStrength');
        const strength = AUTHENTICATION_STRENGTHS.find((s) => s.id === grant.authenticationStrength!.id);
        asked.push(strength?.grant ?? 'mfa');
      }
      const satisfied = asked.filter((g) => grantDone(g, facts.session.methods));
      const missing = asked.filter((g) => !satisfied.includes(g));
      // OR: any one control satisfies the policy, the first in Entra's order is asked for; AND: all.
      if (grant.operator === 'OR') unmetGrants = satisfied.length > 0 ? [] : ordered(missing).slice(0, 1);
      else unmetGrants = ordered(missing);
    }
  }
  const enforcedSessionControls: string[] = [];
  let reauthenticate = false;
  const frequency = policy.sessionControls?.signInFrequency;
  if (frequency?.isEnabled) {
    enforcedSessionControls.push('SignInFrequency');
    const last = facts.session.lastInteractiveAt;
    reauthenticate = !last || facts.now.getTime() - last.getTime() > frequencySeconds(frequency) * 1000;
  }
  if (policy.sessionControls?.persistentBrowser?.isEnabled)
    enforcedSessionControls.push('PersistentBrowserSessionMode');
  const failed = blocked || unmetGrants.length > 0;
  return {
    ...base,
    result: reportOnly
      ? failed
        ? 'reportOnlyFailure'
        : 'reportOnlySuccess'
      : failed
        ? 'failure'
        : 'success',
    enforcedGrantControls,
    enforcedSessionControls,
    unmetGrants,
    reauthenticate,
  };
}

const ordered = (grants: Grant[]): Grant[] => GRANTS.filter((g) => grants.includes(g));

/** MFA: a second method besides the password; phishing-resistant MFA: a passkey (FIDO2). */
export function grantDone(grant: Grant, methods: readonly AuthMethod[]): boolean {
  if (grant === 'phishingResistantMfa') return methods.includes('passkey');
  return methods.some((m) => m !== 'password');
}
