import { csrfToken, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { formOf } from '../http/forms.ts';
import { sendPlainPage } from '../http/pages.ts';
import { continueToDirectory } from '../keep-signed-in/keep-signed-in.ts';
import { authenticationOf } from '../mfa/authentication-details.ts';
import { recordSignIn } from '../sign-in-logs/record.ts';
import { findFlow, type PendingFlow } from '../signin/session-auth.ts';
import { completeFlow } from '../sso/complete.ts';
import { sendSsoErrorPage } from '../sso/error-page.ts';
import { type SignInApplication, signInApplication } from '../sso/sign-in-config.ts';
import { SsoError } from '../sso/sso-error.ts';
import { signedInFor } from '../test-sign-in/one-sign-in.ts';
import { findUser, type User } from '../users/users.repository.ts';
import { changeTemporaryPassword } from './change-password.service.ts';
import { endPasswordChange, type PendingPasswordChange, pendingPasswordChange } from './pending-change.ts';
import { type UpdatePasswordOptions, updatePasswordForm } from './update-password.pages.ts';

// "Update your password", at `/{tenant}/update-password`: the last step of a sign-in whose password is
// temporary (an administrator made it: Create user, Reset password, or the admin API with
// passwordProfile.forceChangePasswordNextSignIn). It comes after the password and after any second
// factor; the session starts, and the waiting SAML sign-in is finished, only once the new password
// is chosen.

const EXPIRED =
  'This sign-in is no longer waiting for a new password (it may have expired, or been completed in another tab). Go back to the application and sign in again.';

const expired = (reply: FastifyReply) =>
  sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);

interface Waiting {
  pending: PendingPasswordChange;
  user: User;
  flow: PendingFlow | null;
  app: SignInApplication | null;
  appName: string | null;
}

/** The change waiting in this session, with its user still able to sign in; else the expired page. */
async function loadWaiting(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Waiting | null> {
  const pending = await pendingPasswordChange(request, deps.clock.now());
  const user = pending ? await findUser(deps.db, pending.userId) : null;
  if (!pending || !user?.accountEnabled || user.tenantId !== pending.tenantId) {
    if (pending) await endPasswordChange(request);
    await expired(reply);
    return null;
  }
  const flow = pending.flow ? await findFlow(request, pending.flow) : null;
  const app = flow ? await signInApplication(deps, flow.tenantId, flow.applicationId) : null;
  const appName =
    app?.displayName ??
    (pending.returnTo?.startsWith('/portal') ? 'Federa Directory portal' : flow ? null : 'My Apps');
  return { pending, user, flow, app, appName };
}

async function sendForm(
  request: FastifyRequest,
  reply: FastifyReply,
  waiting: Waiting,
  errors: UpdatePasswordOptions['errors'],
  status = 200,
) {
  return sendPlainPage(
    reply,
    'Update your password',
    updatePasswordForm({
      action: `/${waiting.user.tenantId}/update-password`,
      csrf: await csrfToken(request),
      userName: waiting.user.userPrincipalName,
      appName: waiting.appName,
      errors,
    }),
    status,
  );
}

/** GET `/{tenant}/update-password`: "Update your password". */
export async function updatePasswordPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const waiting = await loadWaiting(deps, request, reply);
  if (!waiting) return reply;
  return sendForm(request, reply, waiting, {});
}

/** One sign-in log row of this step, tied to the waiting SAML request when there is one. */
async function logChange(
  deps: AppDeps,
  request: FastifyRequest,
  waiting: Waiting,
  outcome: { result: 'interrupted' | 'failure'; errorCode: string; failureReason: string },
) {
  await recordSignIn(deps, request, {
    tenantId: waiting.user.tenantId,
    user: waiting.user,
    application: waiting.app,
    appDisplayName: waiting.app ? null : waiting.appName,
    appIdentifier: waiting.flow?.audience ?? null,
    checkName: 'password-change',
    correlationId: waiting.flow?.correlationId ?? request.id,
    saml: { authnRequestId: waiting.flow?.requestId ?? null },
    authentication: authenticationOf(waiting.pending.methods, null, {
      required: waiting.pending.mfaAt !== null,
    }),
    ...outcome,
  });
}

/**
 * POST `/{tenant}/update-password`: the current password (a wrong one counts toward Smart Lockout),
 * the new one twice. Once changed, the session starts with the factors proved, and the sign-in goes
 * on where it was: the waiting SAML sign-in, or My Apps / the portal.
 */
export async function updatePasswordSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const waiting = await loadWaiting(deps, request, reply);
  if (!waiting) return reply;
  const form = formOf(request);
  const correlationId = waiting.flow?.correlationId ?? request.id;
  const result = await changeTemporaryPassword(
    deps,
    waiting.user,
    {
      current: form.currentPassword ?? '',
      next: form.newPassword ?? '',
      confirm: form.confirmPassword ?? '',
    },
    correlationId,
  );
  if (!result.ok && result.code === 'AADSTS50053') {
    await endPasswordChange(request);
    await logChange(deps, request, waiting, {
      result: 'failure',
      errorCode: 'AADSTS50053',
      failureReason: 'The account is locked after too many sign-ins with a wrong password.',
    });
    return sendSsoErrorPage(
      reply,
      new SsoError({
        code: 'AADSTS50053',
        check: 'password-change',
        message:
          'Your account is temporarily locked to prevent unauthorized use. Try again later, and if you still have trouble, contact your administrator.',
        adminAction: `Smart Lockout holds ${waiting.user.userPrincipalName} after too many wrong passwords. Reset the password in Users › ${waiting.user.displayName} to unlock it now.`,
        status: 403,
      }),
      { requestId: request.id, correlationId, timestamp: deps.clock.now(), appName: waiting.appName },
    );
  }
  if (!result.ok) {
    if (result.code === 'AADSTS50126') {
      await logChange(deps, request, waiting, {
        result: 'failure',
        errorCode: 'AADSTS50126',
        failureReason: 'Invalid current password at "Update your password".',
      });
    }
    return sendForm(request, reply, waiting, result.errors, result.code === 'AADSTS50126' ? 401 : 400);
  }

  // Changed: the sign-in log says so, then the sign-in goes on exactly where it was.
  await endPasswordChange(request);
  await logChange(deps, request, waiting, {
    result: 'interrupted',
    errorCode: 'AADSTS50055',
    failureReason:
      'The password was temporary (set by an administrator): the user chose a new one at sign-in.',
  });
  const { pending } = waiting;
  const someoneElse = pending.someoneElse || waiting.flow?.someoneElse === true;
  if (pending.flow && !waiting.flow) return expired(reply);
  if (someoneElse && !waiting.flow) return expired(reply);
  const now = deps.clock.now();
  const auth = await signedInFor(request, reply, someoneElse, result.user, now, {
    methods: pending.methods,
    mfaAt: pending.mfaAt,
    ...(pending.sessionIndex ? { sessionIndex: pending.sessionIndex } : {}),
    registrationSkipped: pending.registrationSkipped,
  });
  if (waiting.flow) return completeFlow(deps, request, reply, waiting.flow, { auth, user: result.user });
  await recordSignIn(deps, request, {
    tenantId: result.user.tenantId,
    user: result.user,
    application: null,
    appDisplayName: waiting.appName,
    result: 'success',
    checkName: 'password-change',
    correlationId,
    authentication: authenticationOf(auth.methods ?? [], null, { required: pending.mfaAt !== null }),
  });
  return continueToDirectory(
    deps,
    request,
    reply,
    { user: result.user, auth },
    pending.returnTo ?? '/myapps',
  );
}
