import type { ConfigCache } from '@federa/kit';
import type { FastifyRequest } from 'fastify';
import { conditionalAccessGrants } from '../conditional-access/mfa-requirement.ts';
import type { Deps } from '../context.ts';
import type { IdpDatabase } from '../db/schema.ts';
import type { SessionAuth } from '../signin/session-auth.ts';
import type { User } from '../users/users.repository.ts';
import { userMfaFacts } from './methods.repository.ts';
import { REGISTRATION_SKIP_DAYS, securityDefaultsOnCached } from './security-defaults.ts';

/** Why a sign-in must do MFA (the sign-in log and the MFA page say it). */
export type MfaReason = 'perUserMfa' | 'securityDefaults' | 'conditionalAccess';

export interface MfaRequirement {
  required: boolean;
  reason: MfaReason | null;
  /** Only a phishing-resistant method (a passkey) satisfies it (Conditional Access authentication strength). */
  phishingResistant: boolean;
  /**
   * While a user with no method may still skip registering (security defaults' 14 days from the first
   * sign-in that asked): until then; null when registration cannot be skipped.
   */
  registrationSkippableUntil: string | null;
}

export interface MfaRequirementInput {
  user: User;
  /** The application being signed in to; null for My Apps, Security info and the admin portal. */
  application: { id: string; appId: string; displayName: string } | null;
  /** The HTTP request (client IP, User-Agent: what Conditional Access conditions read). */
  request: FastifyRequest;
  /** The SSO session the sign-in continues, if any (null right after a password). */
  auth?: SessionAuth | null;
}

export const NO_MFA_REQUIRED: MfaRequirement = {
  required: false,
  reason: null,
  phishingResistant: false,
  registrationSkippableUntil: null,
};

/**
 * Whether this sign-in must do MFA. The one place that decides it: called after the password and
 * before every response is issued (`signin/mfa-gate.ts`). Today: Entra's per-user MFA (Enabled or
 * Enforced) and the tenant's security defaults; Conditional Access adds its grant controls here.
 */
export async function mfaRequirement(
  ctx: Pick<Deps, 'db' | 'clock'> & { cache?: ConfigCache<IdpDatabase> },
  input: MfaRequirementInput,
): Promise<MfaRequirement> {
  // Conditional Access grant controls (Require MFA / authentication strength) of the policies that apply.
  const grants = input.application
    ? await conditionalAccessGrants(ctx, { ...input, application: input.application })
    : [];
  if (grants.length > 0) {
    return {
      ...NO_MFA_REQUIRED,
      required: true,
      reason: 'conditionalAccess',
      phishingResistant: grants.includes('phishingResistantMfa'),
    };
  }
  // The user as a sign-in reads it carries its MFA facts, and security defaults come from the cache:
  // no query of its own for a sign-in that needs no MFA.
  const facts = input.user.mfa ?? (await userMfaFacts(ctx.db, input.user.id));
  if (facts.perUserState !== 'disabled') {
    return { ...NO_MFA_REQUIRED, required: true, reason: 'perUserMfa' };
  }
  if (await securityDefaultsOnCached(ctx, input.user.tenantId)) {
    const mfa = facts;
    const now = ctx.clock.now().getTime();
    const from = mfa.registrationPromptedAt ? Date.parse(mfa.registrationPromptedAt) : now;
    const until = from + REGISTRATION_SKIP_DAYS * 24 * 3600 * 1000;
    return {
      ...NO_MFA_REQUIRED,
      required: true,
      reason: 'securityDefaults',
      registrationSkippableUntil: until > now ? new Date(until).toISOString() : null,
    };
  }
  return NO_MFA_REQUIRED;
}
