import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, Deps } from '../context.ts';
import { groupsOfUser } from '../groups/groups.repository.ts';
import { type PendingFlow, type SessionAuth, saveFlow } from '../signin/session-auth.ts';
import { SsoError } from '../sso/sso-error.ts';
import { listNamedLocations, listPolicies } from './conditional-access.repository.ts';
import { type AuthMethod, evaluate, type Outcome, type SignInFacts } from './evaluate.ts';
import type { NamedLocation } from './named-location.ts';
import { platformOf } from './platform.ts';
import type { ConditionalAccessPolicy } from './policy.ts';
import { rememberOutcome } from './sign-in-log.ts';

/** What the sign-in flow knows about one attempt. */
export interface SignInInput {
  tenantId: string;
  userId: string;
  /** The application (client) id. */
  appId: string;
  /** The HTTP request: its client IP (as `IDP_TRUST_PROXY` resolves it) and User-Agent. */
  request: FastifyRequest;
  session: SignInFacts['session'];
}

/**
 * The user's group ids, read once per request: one sign-in evaluates the policies more than once (the
 * Block and frequency check, the MFA requirement, the persistent browser session).
 */
const groupIdsByRequest = new WeakMap<FastifyRequest, { userId: string; ids: Promise<string[]> }>();

function userGroupIds(deps: CaDeps, request: FastifyRequest, userId: string): Promise<string[]> {
  const known = groupIdsByRequest.get(request);
  if (known?.userId === userId) return known.ids;
  const ids = groupsOfUser(deps.db, userId).then((groups) => groups.map((g) => g.id));
  groupIdsByRequest.set(request, { userId, ids });
  return ids;
}

/** What evaluation needs; with the app's configuration cache, policies and locations are read from it. */
export type CaDeps = Pick<Deps, 'db' | 'clock'> & Partial<Pick<AppDeps, 'cache'>>;

/**
 * The tenant's policies and named locations, kept in the configuration cache (they are among
 * `CONFIG_TABLES`, so any change on any instance empties it): a sign-in in a tenant without policies
 * reads nothing more.
 */
function tenantPolicies(deps: CaDeps, tenantId: string): Promise<ConditionalAccessPolicy[]> {
  const cache = deps.cache;
  if (!cache) return listPolicies(deps.db, tenantId);
  return cache.get(JSON.stringify(['ca-policies', tenantId]), () => listPolicies(cache.db, tenantId));
}

function tenantNamedLocations(deps: CaDeps, tenantId: string): Promise<NamedLocation[]> {
  const cache = deps.cache;
  if (!cache) return listNamedLocations(deps.db, tenantId);
  return cache.get(JSON.stringify(['ca-named-locations', tenantId]), () =>
    listNamedLocations(cache.db, tenantId),
  );
}

const NOTHING_APPLIES: Omit<Outcome, 'policies'> = {
  status: 'notApplied',
  blockedBy: null,
  requiredGrants: [],
  signInFrequency: null,
  reauthenticate: false,
  persistentBrowser: null,
  namedLocations: [],
};

/**
 * The seam for the sign-in flow: evaluates the tenant's Conditional Access policies for one sign-in
 * and returns the combined outcome (blocked by which policy, grants still to do in Entra's order,
 * sign-in frequency and persistent browser session, and each policy's result for the log). With the
 * configuration cache a tenant without policies costs no query once warm; with policies, one (the
 * user's groups).
 */
export async function evaluateSignIn(deps: CaDeps, input: SignInInput): Promise<Outcome> {
  const policies = await tenantPolicies(deps, input.tenantId);
  if (policies.length === 0) return { ...NOTHING_APPLIES, policies: [] };
  const [groupIds, locations] = await Promise.all([
    userGroupIds(deps, input.request, input.userId),
    tenantNamedLocations(deps, input.tenantId),
  ]);
  const userAgent = input.request.headers['user-agent'];
  return evaluate(
    {
      userId: input.userId,
      groupIds,
      appId: input.appId,
      ipAddress: input.request.ip ?? null,
      platform: platformOf(typeof userAgent === 'string' ? userAgent : null),
      clientAppType: 'browser',
      now: deps.clock.now(),
      session: input.session,
    },
    policies,
    locations,
  );
}

/**
 * The session facts Conditional Access needs from the SSO session: when the user last signed in
 * interactively (the AuthnInstant) and the factors proved in it (`methods`, kept by the MFA step); a
 * session from before the MFA step kept them is a password one.
 */
export function sessionFactsOf(auth: SessionAuth): SignInFacts['session'] {
  const methods: AuthMethod[] = (auth.methods ?? []).map((m) => m.method);
  return {
    lastInteractiveAt: new Date(auth.authnInstant),
    methods: methods.length > 0 ? methods : ['password'],
  };
}

/**
 * Conditional Access at the end of a SAML sign-in (`sso/complete.ts`), after the user is known to
 * be allowed the application and before the MFA step: a Block ends it with AADSTS53003 naming the
 * policy; a sign-in frequency that has passed asks for a new interactive sign-in (`reauthenticate`).
 * The outcome goes to the sign-in log row of this request; `requireGrantsDone` checks it once the MFA
 * step has let the sign-in through.
 */
export async function enforceConditionalAccess(
  deps: CaDeps,
  request: FastifyRequest,
  signIn: { tenantId: string; appId: string; appName: string; auth: SessionAuth; userId: string },
): Promise<{ reauthenticate: boolean; outcome: Outcome }> {
  const outcome = await evaluateSignIn(deps, {
    tenantId: signIn.tenantId,
    userId: signIn.userId,
    appId: signIn.appId,
    request,
    session: sessionFactsOf(signIn.auth),
  });
  rememberOutcome(request, outcome);
  if (outcome.blockedBy) {
    throw new SsoError({
      code: 'AADSTS53003',
      check: 'conditional-access',
      message:
        'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      adminAction: `The Conditional Access policy “${outcome.blockedBy.displayName}” blocked this sign-in to ${signIn.appName}. Review it in Conditional Access › Policies, or try the sign-in in What If.`,
      status: 403,
      detail: { policyId: outcome.blockedBy.id },
    });
  }
  return { reauthenticate: outcome.reauthenticate, outcome };
}

/**
 * The last check before a response is issued: a grant the policies ask for (MFA, a passkey) that the
 * session still has not done refuses with AADSTS50076, so that a response never goes out without it,
 * whatever the steps before did.
 */
export function requireGrantsDone(outcome: Outcome, appName: string): void {
  if (outcome.requiredGrants.length === 0) return;
  const policies = outcome.policies.filter((p) => p.unmetGrants.length > 0).map((p) => `“${p.displayName}”`);
  throw new SsoError({
    code: 'AADSTS50076',
    check: 'conditional-access',
    message:
      'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the application.',
    adminAction: `The Conditional Access ${policies.length > 1 ? 'policies' : 'policy'} ${policies.join(', ')} ask${policies.length > 1 ? '' : 's'} for ${outcome.requiredGrants.includes('phishingResistantMfa') ? 'phishing-resistant multifactor authentication (a passkey)' : 'multifactor authentication'} to sign in to ${appName}, which this sign-in did not do.`,
    status: 403,
  });
}

/**
 * Sign-in frequency has passed: the waiting sign-in goes back to the sign-in page, whose password
 * check starts a new SSO session (a new AuthnInstant), then finishes it.
 */
export async function askToSignInAgain(
  request: FastifyRequest,
  reply: FastifyReply,
  flow: PendingFlow,
): Promise<FastifyReply> {
  await saveFlow(request, flow);
  request.log.info({ check: 'conditional-access' }, 'sign-in frequency: signing in again');
  return reply.redirect(`/${encodeURIComponent(flow.tenantId)}/login?flow=${flow.key}`, 303);
}
