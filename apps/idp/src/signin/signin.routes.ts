import { csrfToken, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, Deps } from '../context.ts';
import { formOf, queryOf, safeReturnPath } from '../http/forms.ts';
import { sendPlainPage } from '../http/pages.ts';
import { continueToDirectory } from '../keep-signed-in/keep-signed-in.ts';
import { authenticationOf } from '../mfa/authentication-details.ts';
import { mfaRequirement } from '../mfa/requirement.ts';
import { recordSignIn } from '../sign-in-logs/record.ts';
import { beginSignOut } from '../single-logout/begin.ts';
import { completeFlow, handleSsoFailure } from '../sso/complete.ts';
import { tenantNotFound } from '../sso/endpoint.ts';
import { sendSsoErrorPage } from '../sso/error-page.ts';
import { signInApplication, signInTenant } from '../sso/sign-in-config.ts';
import { SsoError } from '../sso/sso-error.ts';
import { mustChangePassword, startPasswordChange } from '../temporary-password/pending-change.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import { signedInFor } from '../test-sign-in/one-sign-in.ts';
import { startMfaStep } from './mfa-pending.ts';
import { checkPassword, clearFailedSignIns } from './password-check.ts';
import { isPortalPath, openPortal, ownTopLevelNavigation, portalOpen } from './portal-cookie.ts';
import { currentUser, findFlow, type PendingFlow } from './session-auth.ts';
import { loginForm } from './signin.pages.ts';

/** `common` signs in a user of any tenant (My Apps, the portal); otherwise a tenant GUID or domain. */
async function tenantOf(deps: AppDeps, segment: string): Promise<Tenant | null | 'common'> {
  if (segment.toLowerCase() === 'common') return 'common';
  return signInTenant(deps, segment);
}

function notFoundPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, segment: string) {
  return sendSsoErrorPage(reply, tenantNotFound(segment), {
    requestId: request.id,
    correlationId: request.id,
    timestamp: deps.clock.now(),
  });
}

const EXPIRED =
  'This sign-in request is no longer waiting (it may have expired, or been completed in another tab). Go back to the application and start again.';

async function appNameOf(deps: AppDeps, flow: PendingFlow | null): Promise<string | null> {
  if (!flow) return null;
  return (await signInApplication(deps, flow.tenantId, flow.applicationId))?.displayName ?? null;
}

/** GET `/{tenant}/login`: the sign-in page (for a waiting SAML sign-in when `flow` is given). */
export async function loginPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { tenant: segment } = request.params as { tenant: string };
  const tenant = await tenantOf(deps, segment);
  if (!tenant) return notFoundPage(deps, request, reply, segment);
  const query = queryOf(request);
  const flow = await findFlow(request, query.flow);
  if (query.flow && !flow) {
    return sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);
  }
  const signedIn = await currentUser(request, deps);
  if (!flow && signedIn) {
    const back = safeReturnPath(query.return, '/myapps');
    if (!isPortalPath(back) || (await portalOpen(request))) return reply.redirect(back, 303);
    // Signed in, but without the portal's own cookie (the browser was closed, or the session is
    // older than it). As Entra's sign-in page does for an app without its own session, the SSO session
    // opens the portal again without a password, but only on a navigation the user started here or
    // by hand: one another site started gets the password form.
    if (ownTopLevelNavigation(request)) {
      await openPortal(request, reply);
      return reply.redirect(back, 303);
    }
  }
  return sendPlainPage(
    reply,
    'Sign in',
    loginForm({
      action: `/${encodeURIComponent(segment)}/login`,
      csrf: await csrfToken(request),
      tenantName: tenant === 'common' ? null : tenant.name,
      appName: await appNameOf(deps, flow),
      flow: flow?.key ?? null,
      returnTo: query.return ? safeReturnPath(query.return, '/myapps') : null,
    }),
  );
}

const LOGIN_MESSAGES: Record<string, string> = {
  AADSTS50126:
    'Your account or password is incorrect. If you don’t remember your password, ask your administrator to reset it.',
  AADSTS50034:
    'Your account or password is incorrect. If you don’t remember your password, ask your administrator to reset it.',
  AADSTS50053:
    'Your account is temporarily locked to prevent unauthorized use. Try again later, and if you still have trouble, contact your administrator.',
};

/**
 * POST `/{tenant}/login`: checks the password (with Smart Lockout; the route is also rate limited per
 * IP), starts the SSO session with a new session id, then finishes the waiting SAML sign-in or goes to
 * the return path. Each attempt is one sign-in log row.
 */
export async function loginSubmit(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { tenant: segment } = request.params as { tenant: string };
  const tenant = await tenantOf(deps, segment);
  if (!tenant) return notFoundPage(deps, request, reply, segment);
  const form = formOf(request);
  const flow = await findFlow(request, form.flow);
  if (form.flow && !flow) {
    return sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);
  }
  const returnTo = safeReturnPath(form.return, '/myapps');
  const userName = (form.username ?? '').trim();
  const scope = tenant === 'common' ? null : tenant;
  const app = flow ? await signInApplication(deps, flow.tenantId, flow.applicationId) : null;
  const correlationId = flow?.correlationId ?? request.id;
  const portalApp = returnTo.startsWith('/portal') ? 'Federa Directory portal' : 'My Apps';

  const result = await checkPassword(deps, scope, userName, form.password ?? '', { clearFailures: false });
  if (!result.ok) {
    await recordSignIn(deps, request, {
      tenantId: result.user?.tenantId ?? scope?.id ?? null,
      user: result.user,
      userName,
      application: app,
      appDisplayName: app ? null : portalApp,
      appIdentifier: flow?.audience ?? null,
      result: 'failure',
      errorCode: result.code,
      failureReason: result.reason,
      checkName: 'password',
      correlationId,
      saml: { authnRequestId: flow?.requestId ?? null },
    });
    if (result.code === 'AADSTS50057') {
      const error = new SsoError({
        code: 'AADSTS50057',
        check: 'password',
        message:
          'The user account is disabled. Your account has been locked. Contact your support person to unlock it, then try again.',
        adminAction: `Sign-in is blocked for ${result.user?.userPrincipalName}. To allow it, open Users › ${result.user?.displayName} and choose "Allow sign-in".`,
        status: 403,
      });
      return sendSsoErrorPage(reply, error, {
        requestId: request.id,
        correlationId,
        timestamp: deps.clock.now(),
        appName: app?.displayName ?? null,
      });
    }
    return sendPlainPage(
      reply,
      'Sign in',
      loginForm({
        action: `/${encodeURIComponent(segment)}/login`,
        csrf: await csrfToken(request),
        tenantName: scope?.name ?? null,
        appName: app?.displayName ?? null,
        flow: flow?.key ?? null,
        returnTo: form.return ? returnTo : null,
        userName,
        error: {
          text: LOGIN_MESSAGES[result.code]!,
          code: result.code,
          requestId: request.id,
          correlationId,
          timestamp: deps.clock.now().toISOString(),
        },
      }),
      401,
    );
  }

  if (!flow || flow.tenantId === result.user.tenantId) {
    // The second factor, when this sign-in needs one (mfa/requirement.ts): no session until it is done.
    const requirement = await mfaRequirement(deps, { user: result.user, application: app, request });
    if (requirement.required) {
      return startMfaStep(deps, request, reply, result.user, requirement, {
        flow: flow?.key ?? null,
        returnTo: flow ? null : returnTo,
        continues: null,
        someoneElse: flow?.someoneElse === true,
      });
    }
    // A temporary password (temporary-password/): the user chooses their own before anything is issued.
    if (mustChangePassword(result.user)) {
      return startPasswordChange(deps, request, reply, result.user, {
        methods: [{ method: 'password', at: deps.clock.now().toISOString() }],
        mfaAt: null,
        flow: flow?.key ?? null,
        returnTo: flow ? null : returnTo,
        someoneElse: flow?.someoneElse === true,
      });
    }
  }
  await clearFailedSignIns(deps, result.user);
  // "Sign in as someone else" (test-sign-in/): this one response only, the browser's session untouched.
  const auth = await signedInFor(request, reply, flow?.someoneElse === true, result.user, deps.clock.now());
  if (flow) {
    if (flow.tenantId !== result.user.tenantId) {
      const error = new SsoError({
        code: 'AADSTS50034',
        check: 'password',
        message: `The user account ${result.user.userPrincipalName} does not exist in the directory of this application.`,
        adminAction: 'Sign in with an account of the tenant the application belongs to.',
      });
      return handleSsoFailure(deps, request, reply, error, {
        tenant: null,
        application: app,
        user: result.user,
        appIdentifier: flow.audience,
        correlationId,
        acsUrl: null,
        requestId: null,
        relayState: null,
      });
    }
    return completeFlow(deps, request, reply, flow, { auth, user: result.user });
  }
  await recordSignIn(deps, request, {
    tenantId: result.user.tenantId,
    user: result.user,
    application: null,
    appDisplayName: portalApp,
    result: 'success',
    checkName: 'password',
    correlationId,
    authentication: authenticationOf(auth.methods ?? [], null),
  });
  return continueToDirectory(deps, request, reply, { user: result.user, auth }, returnTo);
}

/** POST `/signout`: ends the SSO session, with single logout of its applications (single-logout/). */
export async function signOut(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  return beginSignOut(deps, request, reply, null);
}

export async function signedOutPage(
  _deps: Deps,
  _request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  return sendPlainPage(
    reply,
    'You signed out of your account',
    html`<section class="card"><p>You signed out of your account. It’s a good idea to close all browser windows.</p>
<p><a href="/myapps">Sign in again</a></p></section>`,
  );
}
