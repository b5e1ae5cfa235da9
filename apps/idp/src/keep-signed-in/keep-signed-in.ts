import { getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Outcome } from '../conditional-access/evaluate.ts';
import { type CaDeps, evaluateSignIn, sessionFactsOf } from '../conditional-access/sign-in.ts';
import type { AppDeps } from '../context.ts';
import { type PendingFlow, type SessionAuth, saveFlow } from '../signin/session-auth.ts';
import type { User } from '../users/users.repository.ts';
import { showKeepSignedInCached } from './user-settings.ts';

// "Stay signed in?" (Entra's Keep me signed in, KMSI): after an interactive sign-in the SSO session's
// cookie is a browser-session cookie, unless the user answers Yes (a cookie with the session lifetime
// as Max-Age). Conditional Access's persistent browser session control overrides both the question
// and the answer: `always` is persistent without asking, `never` is never persistent and not asked.

/** The question waiting in the session after an interactive sign-in; gone once it is settled. */
export interface PendingKeepSignedIn {
  userId: string;
  /** The waiting SAML sign-in (a PendingFlow key) or the local path, once the page is shown. */
  flow: string | null;
  returnTo: string | null;
}

const PENDING = 'kmsi';

/** The browser's remembered answers ("Don't show this again"), per user of this browser. */
export const REMEMBER_COOKIE = 'federa_idp_kmsi';
const REMEMBER_DAYS = 365;
const MAX_REMEMBERED = 10;

/**
 * Called by `startSession` (a password or a second factor was just proved): the cookie becomes a
 * browser-session one and the question is asked before the sign-in goes on. A session that goes on
 * (the same user stepping up to MFA) keeps the answer it had.
 */
export function beginKeepSignedIn(
  session: Awaited<ReturnType<typeof getSession>>,
  userId: string,
  continued: boolean,
): void {
  if (continued) return;
  session.setPersistent(false);
  session.set(PENDING, { userId, flow: null, returnTo: null } satisfies PendingKeepSignedIn);
}

export async function pendingKeepSignedIn(request: FastifyRequest): Promise<PendingKeepSignedIn | null> {
  return (await getSession(request)).get<PendingKeepSignedIn>(PENDING) ?? null;
}

/** Settles the question: the cookie is persistent or not from now on. */
export async function settleKeepSignedIn(request: FastifyRequest, persistent: boolean): Promise<void> {
  const session = await getSession(request);
  session.setPersistent(persistent);
  session.set(PENDING, undefined);
}

/** The answer this browser remembers for the user ("Don't show this again"), or null. */
export function rememberedAnswer(request: FastifyRequest, userId: string): boolean | null {
  for (const entry of (request.cookies[REMEMBER_COOKIE] ?? '').split('.')) {
    const [id, answer] = entry.split(':');
    if (id === userId && (answer === 'y' || answer === 'n')) return answer === 'y';
  }
  return null;
}

/** Remembers the user's answer in this browser, so that the question is not asked again here. */
export function rememberAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  persistent: boolean,
): void {
  const others = (request.cookies[REMEMBER_COOKIE] ?? '')
    .split('.')
    .filter((e) => /^[0-9a-f-]{36}:[yn]$/.test(e) && !e.startsWith(`${userId}:`));
  const value = [`${userId}:${persistent ? 'y' : 'n'}`, ...others].slice(0, MAX_REMEMBERED).join('.');
  reply.setCookie(REMEMBER_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: true,
    maxAge: REMEMBER_DAYS * 86_400,
  });
}

/** Stands for the Directory's own pages (My Apps, the portal) in Conditional Access: only All apps reach it. */
export const DIRECTORY_APP_ID = 'federa-directory';

/**
 * Conditional Access's persistent browser session for a sign-in to the Directory's own pages (the
 * control needs All apps, so it reaches them too). Nothing else of the outcome is enforced here.
 */
export async function persistentBrowserForDirectory(
  deps: CaDeps,
  request: FastifyRequest,
  user: User,
  auth: SessionAuth,
): Promise<Outcome['persistentBrowser']> {
  const outcome = await evaluateSignIn(deps, {
    tenantId: user.tenantId,
    userId: user.id,
    appId: DIRECTORY_APP_ID,
    request,
    session: sessionFactsOf(auth),
  });
  return outcome.persistentBrowser;
}

/**
 * The step before a sign-in goes on (a SAML response is issued, or the user goes to My Apps or the
 * portal): the persistent browser session control decides when a policy sets it (on every sign-in,
 * interactive or not); otherwise, after an interactive sign-in, the remembered answer or the
 * question. Returns the redirect to the question, or null to go on.
 */
export async function keepSignedInStep(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  signIn: {
    user: User;
    persistentBrowser: Outcome['persistentBrowser'];
    flow: PendingFlow | null;
    returnTo: string | null;
  },
): Promise<FastifyReply | null> {
  const pending = await pendingKeepSignedIn(request);
  if (signIn.persistentBrowser) {
    await settleKeepSignedIn(request, signIn.persistentBrowser === 'always');
    return null;
  }
  if (!pending) return null;
  if (pending.userId !== signIn.user.id) {
    await settleKeepSignedIn(request, false);
    return null;
  }
  if (!(await showKeepSignedInCached(deps, signIn.user.tenantId))) {
    await settleKeepSignedIn(request, false);
    return null;
  }
  const remembered = rememberedAnswer(request, signIn.user.id);
  if (remembered !== null) {
    await settleKeepSignedIn(request, remembered);
    return null;
  }
  // A silent sign-in shows no page: the cookie stays a browser-session one, the question waits.
  if (signIn.flow?.isPassive) return null;
  if (signIn.flow) await saveFlow(request, signIn.flow);
  (await getSession(request)).set(PENDING, {
    userId: signIn.user.id,
    flow: signIn.flow?.key ?? null,
    returnTo: signIn.flow ? null : signIn.returnTo,
  } satisfies PendingKeepSignedIn);
  return reply.redirect(`/${signIn.user.tenantId}/kmsi`, 303);
}

/**
 * The end of an interactive sign-in to the Directory itself (My Apps, the portal, Security info):
 * "Stay signed in?" when it is to be asked, else on to `returnTo`.
 */
export async function continueToDirectory(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: { user: User; auth: SessionAuth },
  returnTo: string,
): Promise<FastifyReply> {
  const kmsi = await keepSignedInStep(deps, request, reply, {
    user: signedIn.user,
    persistentBrowser: await persistentBrowserForDirectory(deps, request, signedIn.user, signedIn.auth),
    flow: null,
    returnTo,
  });
  return kmsi ?? reply.redirect(returnTo, 303);
}
