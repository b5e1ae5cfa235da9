import { csrfToken, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { formOf, queryOf } from '../http/forms.ts';
import { sendPlainPage } from '../http/pages.ts';
import { continueToDirectory } from '../keep-signed-in/keep-signed-in.ts';
import { authenticationOf, type SignInAuthentication } from '../mfa/authentication-details.ts';
import { totpEnrolForm } from '../mfa/enrol.pages.ts';
import { dropEnrolment, enrolmentOf, keepEnrolment } from '../mfa/enrolment-session.ts';
import { listMethods, noteRegistrationPrompted } from '../mfa/methods.repository.ts';
import { passkeyStepPage } from '../mfa/passkeys/passkey-step.routes.ts';
import { mfaRequirement } from '../mfa/requirement.ts';
import { checkTotpCode, confirmTotpEnrolment, startTotpEnrolment } from '../mfa/totp.service.ts';
import { recordSignIn, type SignInAttempt } from '../sign-in-logs/record.ts';
import { completeFlow, handleSsoFailure } from '../sso/complete.ts';
import { sendSsoErrorPage } from '../sso/error-page.ts';
import { type SignInApplication, signInApplication } from '../sso/sign-in-config.ts';
import { SsoError } from '../sso/sso-error.ts';
import { mustChangePassword, startPasswordChange } from '../temporary-password/pending-change.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import { signedInFor } from '../test-sign-in/one-sign-in.ts';
import { findUser, type User } from '../users/users.repository.ts';
import { chooseMethod, codeChallenge, keepAccountSecure, moreInformationRequired } from './mfa.pages.ts';
import { noPasskeyPossible } from './mfa-gate.ts';
import { endPendingMfa, type PendingMfa, pendingMfa, stillSignInable } from './mfa-pending.ts';
import { clearFailedSignIns } from './password-check.ts';
import { dropFlow, findFlow, type PendingFlow } from './session-auth.ts';

// The second step of sign-in, at `/{tenant}/mfa`: the strongest registered method first ("Sign in
// another way" for the others), or registration ("More information required") when the user has
// none. Only a sign-in waiting in this session (mfa-pending.ts) gets here.

export interface Step {
  pending: PendingMfa;
  user: User;
  flow: PendingFlow | null;
  app: SignInApplication | null;
  base: string;
  csrf: string;
  appName: string | null;
}

export const EXPIRED =
  'This sign-in is no longer waiting for its second step (it may have expired, or been completed in another tab). Go back to the application and sign in again.';

export async function loadStep(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Step | null> {
  const pending = await pendingMfa(request, deps.clock.now());
  const user = pending ? await findUser(deps.db, pending.userId) : null;
  if (!pending || !stillSignInable(user, pending)) {
    if (pending) await endPendingMfa(request);
    await sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);
    return null;
  }
  const flow = pending.flow ? await findFlow(request, pending.flow) : null;
  const app = flow ? await signInApplication(deps, flow.tenantId, flow.applicationId) : null;
  return {
    pending,
    user,
    flow,
    app,
    base: `/${pending.tenantId}/mfa`,
    csrf: await csrfToken(request),
    appName: app?.displayName ?? (pending.returnTo?.startsWith('/portal') ? 'Federa Directory portal' : null),
  };
}

export const common = (step: Step) => ({
  base: step.base,
  csrf: step.csrf,
  userName: step.user.userPrincipalName,
  appName: step.appName,
});

/** One sign-in log row for this step, tied to the waiting SAML request when there is one. */
export async function logStep(
  deps: AppDeps,
  request: FastifyRequest,
  step: Step,
  outcome: Pick<SignInAttempt, 'result' | 'errorCode' | 'failureReason'> & {
    authentication: SignInAuthentication;
  },
) {
  await recordSignIn(deps, request, {
    tenantId: step.user.tenantId,
    user: step.user,
    application: step.app,
    appDisplayName: step.app ? null : (step.appName ?? 'My Apps'),
    appIdentifier: step.flow?.audience ?? null,
    checkName: 'mfa',
    correlationId: step.flow?.correlationId ?? request.id,
    saml: { authnRequestId: step.flow?.requestId ?? null },
    ...outcome,
  });
}

/** GET `/{tenant}/mfa`: the challenge, the choice of method (`?choose=1`), or the registration interrupt. */
export async function mfaPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  const methods = await listMethods(deps.db, step.user.id);
  if (methods.length === 0) {
    await noteRegistrationPrompted(deps.db, step.user.id, deps.clock.now().toISOString());
    const requirement = await mfaRequirement(deps, { user: step.user, application: step.app, request });
    // Only a passkey would do, and adding one needs a second factor this user does not have.
    if (requirement.phishingResistant) {
      return failStep(deps, request, reply, step, noPasskeyPossible(step.user, step.appName));
    }
    return sendPlainPage(
      reply,
      'More information required',
      moreInformationRequired({ ...common(step), skippableUntil: requirement.registrationSkippableUntil }),
    );
  }
  // Passkeys (mfa/passkeys/passkey-step.routes.ts): offered first when registered, and the only
  // way when Conditional Access asks for phishing-resistant MFA.
  const passkeyPage = await passkeyStepPage(deps, request, reply, step, methods);
  if (passkeyPage) return passkeyPage;
  if (queryOf(request).choose) {
    return sendPlainPage(
      reply,
      'Verify your identity',
      chooseMethod({
        ...common(step),
        // The strongest first: passkeys before codes.
        methods: [
          ...(methods.some((m) => m.kind === 'passkey')
            ? [{ href: `${step.base}?method=passkey`, label: 'Use a passkey' }]
            : []),
          ...(methods.some((m) => m.kind === 'totp')
            ? [{ href: `${step.base}?method=totp`, label: 'Use a verification code' }]
            : []),
        ],
      }),
    );
  }
  return sendPlainPage(reply, 'Enter code', codeChallenge({ ...common(step), otherWays: true }));
}

/** POST `/{tenant}/mfa`: checks the verification code; a wrong one counts toward Smart Lockout. */
export async function mfaSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  const check = await checkTotpCode(deps, step.user, formOf(request).otc ?? '');
  if (check.ok) return finish(deps, request, reply, step, 'totp');
  const at = deps.clock.now().toISOString();
  await logStep(deps, request, step, {
    result: 'failure',
    errorCode: check.code,
    failureReason: check.reason,
    authentication: authenticationOf(step.pending.methods, null, {
      required: true,
      failed: {
        method: 'totp',
        at,
        detail: check.code === 'AADSTS50053' ? 'Account locked' : 'Invalid verification code',
      },
    }),
  });
  if (check.code === 'AADSTS50053') {
    await endPendingMfa(request);
    return sendSsoErrorPage(
      reply,
      new SsoError({
        code: 'AADSTS50053',
        check: 'mfa',
        message:
          'Your account is temporarily locked to prevent unauthorized use. Try again later, and if you still have trouble, contact your administrator.',
        adminAction: `Smart Lockout holds ${step.user.userPrincipalName} after too many failed sign-ins. Reset the password in Users › ${step.user.displayName} to unlock it now.`,
        status: 403,
      }),
      {
        requestId: request.id,
        correlationId: step.flow?.correlationId ?? request.id,
        timestamp: deps.clock.now(),
        appName: step.appName,
      },
    );
  }
  return sendPlainPage(
    reply,
    'Enter code',
    codeChallenge({
      ...common(step),
      otherWays: true,
      error: 'You didn’t enter the expected verification code. Please try again.',
    }),
    401,
  );
}

/** POST `/{tenant}/mfa/cancel`: the user gives up the second step: AADSTS50074, nothing is issued. */
export async function mfaCancel(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  const error = new SsoError({
    code: 'AADSTS50074',
    check: 'mfa',
    message: 'Strong authentication is required and you did not complete the second step of sign-in.',
    adminAction: `${step.user.userPrincipalName} must prove a second factor to sign in here. If they lost their authenticator app, open Users › ${step.user.displayName} › Authentication methods and choose "Require re-register MFA".`,
    status: 401,
  });
  return failStep(deps, request, reply, step, error);
}

/** Ends the step with an error: the waiting SAML sign-in gets it (or the error page shows it), logged. */
export async function failStep(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Step,
  error: SsoError,
) {
  await endPendingMfa(request);
  await dropEnrolment(request);
  if (step.flow) {
    await dropFlow(request, step.flow.key);
    const tenant = await findTenant(deps.db, step.user.tenantId);
    return handleSsoFailure(deps, request, reply, error, {
      tenant,
      application: step.app,
      user: step.user,
      appIdentifier: step.flow.audience,
      correlationId: step.flow.correlationId,
      acsUrl: null,
      requestId: step.flow.requestId,
      relayState: null,
    });
  }
  await logStep(deps, request, step, {
    result: 'failure',
    errorCode: error.code,
    failureReason: error.message,
    authentication: authenticationOf(step.pending.methods, null, { required: true }),
  });
  return sendSsoErrorPage(reply, error, {
    requestId: request.id,
    correlationId: request.id,
    timestamp: deps.clock.now(),
    appName: step.appName,
  });
}

async function registerPage(
  deps: AppDeps,
  reply: FastifyReply,
  step: Step,
  key: Uint8Array,
  error: string | null,
) {
  const tenant = await findTenant(deps.db, step.user.tenantId);
  return sendPlainPage(
    reply,
    'Keep your account secure',
    keepAccountSecure(
      common(step),
      totpEnrolForm({
        action: `${step.base}/register`,
        csrf: step.csrf,
        issuer: tenant?.name ?? 'Federa Directory',
        account: step.user.userPrincipalName,
        key,
        error,
      }),
    ),
    error ? 400 : 200,
  );
}

/** Only a passkey satisfies this sign-in (an authentication strength): an authenticator app would not count. */
async function passkeyOnly(deps: AppDeps, request: FastifyRequest, step: Step): Promise<boolean> {
  return (await mfaRequirement(deps, { user: step.user, application: step.app, request })).phishingResistant;
}

/**
 * GET `/{tenant}/mfa/register`: an authenticator app for a user who has no method yet. A user with
 * one must use it: a password alone never adds a method to an account that has a second factor.
 */
export async function mfaRegisterPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  if ((await listMethods(deps.db, step.user.id)).length > 0 || (await passkeyOnly(deps, request, step))) {
    return reply.redirect(step.base, 303);
  }
  let current = await enrolmentOf(request, deps.config.secretKey, step.user.id, deps.clock.now());
  if (!current) {
    current = startTotpEnrolment(deps, step.user);
    await keepEnrolment(request, current.enrolment);
  }
  return registerPage(deps, reply, step, current.key, null);
}

/** POST `/{tenant}/mfa/register`: the first code confirms the app; registering is the second factor. */
export async function mfaRegisterSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  if ((await listMethods(deps.db, step.user.id)).length > 0 || (await passkeyOnly(deps, request, step))) {
    return reply.redirect(step.base, 303);
  }
  const current = await enrolmentOf(request, deps.config.secretKey, step.user.id, deps.clock.now());
  if (!current) return reply.redirect(`${step.base}/register`, 303);
  const result = await confirmTotpEnrolment(
    deps,
    step.user,
    current.enrolment,
    current.key,
    formOf(request).otc ?? '',
  );
  if (!result.ok) return registerPage(deps, reply, step, current.key, result.error);
  await dropEnrolment(request);
  return finish(deps, request, reply, step, 'totp');
}

/** POST `/{tenant}/mfa/skip`: security defaults' "Skip for now", while the 14 days last. */
export async function mfaSkip(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  const requirement = await mfaRequirement(deps, { user: step.user, application: step.app, request });
  const methods = await listMethods(deps.db, step.user.id);
  if (methods.length > 0 || !requirement.registrationSkippableUntil) return reply.redirect(step.base, 303);
  return finish(deps, request, reply, step, 'skipped');
}

/**
 * The sign-in is done: the session starts (or goes on, with its SessionIndex) with every factor proved,
 * and the waiting SAML sign-in is finished (completeFlow) or the user goes where they were going.
 */
export async function finish(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Step,
  outcome: 'totp' | 'passkey' | 'skipped',
  factor: { deviceBound?: boolean } = {},
) {
  const now = deps.clock.now();
  const methods = [
    ...step.pending.methods,
    ...(outcome === 'totp' ? [{ method: 'totp' as const, at: now.toISOString() }] : []),
    ...(outcome === 'passkey'
      ? [{ method: 'passkey' as const, at: now.toISOString(), deviceBound: factor.deviceBound === true }]
      : []),
  ];
  // A temporary password (temporary-password/): every factor is proved, but nothing is issued and no
  // session starts until the user chooses their own password.
  if (mustChangePassword(step.user)) {
    await endPendingMfa(request);
    return startPasswordChange(deps, request, reply, step.user, {
      methods,
      mfaAt: outcome !== 'skipped' ? now.toISOString() : null,
      registrationSkipped: outcome === 'skipped',
      sessionIndex: step.pending.continues?.sessionIndex,
      flow: step.pending.flow,
      returnTo: step.pending.returnTo,
      someoneElse: step.pending.someoneElse === true || step.flow?.someoneElse === true,
    });
  }
  await clearFailedSignIns(deps, step.user);
  await endPendingMfa(request);
  // "Sign in as someone else" (test-sign-in/): for the waiting response only, never this browser's session.
  const someoneElse = step.pending.someoneElse === true || step.flow?.someoneElse === true;
  if (someoneElse && !step.flow) {
    return sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);
  }
  const auth = await signedInFor(request, reply, someoneElse, step.user, now, {
    methods,
    mfaAt: outcome !== 'skipped' ? now.toISOString() : null,
    sessionIndex: step.pending.continues?.sessionIndex,
    registrationSkipped: outcome === 'skipped',
  });
  if (step.pending.flow) {
    if (!step.flow) {
      return sendPlainPage(reply, 'Sign in', html`<section class="card"><p>${EXPIRED}</p></section>`, 400);
    }
    return completeFlow(deps, request, reply, step.flow, { auth, user: step.user });
  }
  await logStep(deps, request, step, {
    result: 'success',
    authentication: authenticationOf(methods, null, { required: outcome !== 'skipped' }),
  });
  return continueToDirectory(
    deps,
    request,
    reply,
    { user: step.user, auth },
    step.pending.returnTo ?? '/myapps',
  );
}
