import type { FastifyRequest } from 'fastify';
import type { Outcome, PolicyResult } from './evaluate.ts';

/** Graph's appliedConditionalAccessPolicy, as the sign-in log keeps it. */
export interface AppliedConditionalAccessPolicy {
  id: string;
  displayName: string;
  enforcedGrantControls: string[];
  enforcedSessionControls: string[];
  result: PolicyResult;
  /** Graph (beta) conditionalAccessConditions: the first condition not met, for not-applied results. */
  conditionsNotSatisfied: string | null;
}

/** The Conditional Access part of one sign-in log row. */
export interface SignInConditionalAccess {
  status: 'success' | 'failure' | 'notApplied';
  policies: AppliedConditionalAccessPolicy[];
  /** The named locations the client IP was in. */
  namedLocations: Array<{ id: string; displayName: string; isTrusted: boolean }>;
  /** Grants the sign-in still lacked (MFA…), and the session controls applied. */
  requiredGrants: string[];
  signInFrequencySeconds: number | null;
  persistentBrowser: 'always' | 'never' | null;
}

export const NOT_APPLIED: SignInConditionalAccess = {
  status: 'notApplied',
  policies: [],
  namedLocations: [],
  requiredGrants: [],
  signInFrequencySeconds: null,
  persistentBrowser: null,
};

const outcomes = new WeakMap<FastifyRequest, SignInConditionalAccess>();

/** Keeps the outcome for the sign-in log row this request writes (`sign-in-logs/record.ts`). */
export function rememberOutcome(request: FastifyRequest, outcome: Outcome): void {
  outcomes.set(request, {
    status: outcome.status,
    policies: outcome.policies.map((p) => ({
      id: p.id,
      displayName: p.displayName,
      enforcedGrantControls: p.enforcedGrantControls,
      enforcedSessionControls: p.enforcedSessionControls,
      result: p.result,
      conditionsNotSatisfied: p.conditionNotSatisfied,
    })),
    namedLocations: outcome.namedLocations,
    requiredGrants: outcome.requiredGrants,
    signInFrequencySeconds: outcome.signInFrequency?.seconds ?? null,
    persistentBrowser: outcome.persistentBrowser,
  });
}

/** What Conditional Access decided in this request; null when it was not evaluated (notApplied). */
export function conditionalAccessOf(request: FastifyRequest): SignInConditionalAccess | null {
  return outcomes.get(request) ?? null;
}
