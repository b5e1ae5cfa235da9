import { getSession, type Session } from '@federa/kit';
import type { FastifyRequest } from 'fastify';
import { findUserById, findUserWithLiveSsoSession, type User } from '../accounts/accounts.repository.ts';
import type { Context } from '../context.ts';
import { nowIso } from '../context.ts';
import { settleOverdueLogout } from '../sso/sign-out-at-idp.ts';

// What the browser session (kit's DB session, cookie `federa_ws_session`, SameSite=Lax) holds:
//   userId       the signed-in account
//   viaSso       set when the sign-in itself was an SSO sign-in: the account stays signed in only while
//                that SSO session lives (its length setting, or an IdP single logout, ends it)
//   sso          { organizationId: ssoSessionId } for each organization signed in to through its IdP
//   pendingLink  an identity waiting for its account to prove itself (see identities/)
//   pendingLogout  our LogoutRequest waiting for the IdP's answer, in a session signed out already
//                (sso/sign-out-at-idp.ts)

const CACHE = Symbol('currentUser');
/** The SSO session `currentUser` found live in this request (so that the Require SSO check need not ask again). */
const LIVE_SSO = Symbol('liveSsoSession');

type RequestMemo = Record<symbol, unknown>;

/** The signed-in account, or null. Ends a session whose SSO sign-in is over. */
export async function currentUser(request: FastifyRequest, ctx: Context): Promise<User | null> {
  const memo = request as unknown as RequestMemo;
  const cached = memo[CACHE] as User | null | undefined;
  if (cached !== undefined) return cached;
  const session = await getSession(request);
  let user: User | null = null;
  const userId = session.get<string>('userId');
  if (userId) {
    const viaSso = session.get<string>('viaSso');
    user = viaSso
      ? await findUserWithLiveSsoSession(ctx.db, userId, viaSso, nowIso(ctx.clock))
      : await findUserById(ctx.db, userId);
    if (!user) signOutSession(session);
    else if (viaSso) memo[LIVE_SSO] = { id: viaSso, userId };
  } else {
    // A sign-out waiting on the IdP's answer that never came (sso/sign-out-at-idp.ts).
    await settleOverdueLogout(ctx, session);
  }
  memo[CACHE] = user;
  return user;
}

/** After signing out within a request: the page it renders shows nobody signed in. */
export function forgetCurrentUser(request: FastifyRequest): void {
  const memo = request as unknown as RequestMemo;
  memo[CACHE] = null;
  delete memo[LIVE_SSO];
}

/** The SSO session `id` of `userId` if it has not ended or expired. */
export async function liveSsoSession(
  ctx: Context,
  id: string,
  userId: string,
): Promise<{ organizationId: string; nameId: string; sessionIndex: string | null } | null> {
  const row = await ctx.db
    .selectFrom('sso_sessions')
    .select(['organization_id', 'name_id', 'session_index'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', nowIso(ctx.clock))
    .executeTakeFirst();
  return row
    ? { organizationId: row.organization_id, nameId: row.name_id, sessionIndex: row.session_index }
    : null;
}

/** Whether this browser has a live SSO session for the organization. */
export async function hasLiveSsoSession(
  request: FastifyRequest,
  ctx: Context,
  organizationId: string,
  userId: string,
): Promise<boolean> {
  const session = await getSession(request);
  const id = session.get<Record<string, string>>('sso')?.[organizationId];
  if (!id) return false;
  // The session signed in through this very SSO session, which `currentUser` found live just now.
  const checked = (request as unknown as RequestMemo)[LIVE_SSO] as { id: string; userId: string } | undefined;
  if (checked?.id === id && checked.userId === userId) return true;
  return (await liveSsoSession(ctx, id, userId)) !== null;
}

/** Signs the browser in as `userId` with a fresh session id (against fixation). */
export function signInSession(
  session: Session,
  userId: string,
  sso?: { organizationId: string; ssoSessionId: string },
): void {
  const previousUser = session.get<string>('userId');
  const keepSso = previousUser === userId ? (session.get<Record<string, string>>('sso') ?? {}) : {};
  const csrf = session.get<string>('csrf');
  session.data = {};
  session.regenerate();
  if (csrf) session.set('csrf', csrf);
  session.set('userId', userId);
  if (sso) {
    session.set('sso', { ...keepSso, [sso.organizationId]: sso.ssoSessionId });
    // A password sign-in stays a password sign-in when SSO is added on top of it.
    if (previousUser !== userId) session.set('viaSso', sso.ssoSessionId);
  } else if (Object.keys(keepSso).length > 0) {
    session.set('sso', keepSso);
  }
}

export function signOutSession(session: Session): void {
  session.destroy();
}

export function setFlash(session: Session, kind: 'success' | 'error' | 'info', text: string): void {
  session.set('flash', { kind, text });
}

export function takeFlash(session: Session): { kind: 'success' | 'error' | 'info'; text: string } | null {
  const flash = session.get<{ kind: 'success' | 'error' | 'info'; text: string }>('flash');
  if (flash) session.set('flash', undefined);
  return flash ?? null;
}
