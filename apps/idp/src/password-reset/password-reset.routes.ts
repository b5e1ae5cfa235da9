import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { formOf, queryOf, safeReturnPath } from '../http/forms.ts';
import { sendPlainPage } from '../http/pages.ts';
import { keepChallenge, takeChallenge } from '../mfa/passkeys/challenge.ts';
import { authenticationOptions, parseResponse, signInWithPasskey } from '../mfa/passkeys/passkey.service.ts';
import { checkTotpCode } from '../mfa/totp.service.ts';
import { findFlow } from '../signin/session-auth.ts';
import { tenantNotFound } from '../sso/endpoint.ts';
import { sendSsoErrorPage } from '../sso/error-page.ts';
import { signInTenant } from '../sso/sign-in-config.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import { endResetFlow, markVerified, type ResetFlow, resetFlowOf, startResetFlow } from './flow-state.ts';
import {
  chooseNewPassword,
  passwordReset,
  resetExpired,
  verifyIdentity,
  whoAreYou,
} from './password-reset.pages.ts';
import {
  auditProgress,
  checkNewPassword,
  resetCandidate,
  resetOwnPassword,
  stillResettable,
} from './reset.service.ts';

// Self-service password reset at `/{tenant}/passwordreset` (Entra's passwordreset.microsoftonline.com),
// reached from the sign-in page's "Forgot my password": user name → verify (a code from the
// authenticator app, or a passkey) → new password → sign in again, back to where the user was.
//
// No user enumeration: every user name gets the same verify page, whether it names nobody, someone
// the policy does not enable, someone blocked, or someone with no method; only a user who may reset
// can pass it, and every refusal there reads the same. Why a reset was refused goes to the audit log.

const TITLE = 'Get back into your account';
const WRONG_CODE = 'You didn’t enter the expected verification code. Please try again.';
const PASSKEY_REFUSED =
  'The passkey could not be verified. Use a passkey registered for this account, or a code from your authenticator app.';

interface Place {
  segment: string;
  /** null for `/common`: a user of any tenant. */
  tenant: Tenant | null;
  base: string;
}

async function placeOf(deps: AppDeps, request: FastifyRequest, reply: FastifyReply): Promise<Place | null> {
  const { tenant: segment } = request.params as { tenant: string };
  const base = `/${encodeURIComponent(segment)}/passwordreset`;
  if (segment.toLowerCase() === 'common') return { segment, tenant: null, base };
  const tenant = await signInTenant(deps, segment);
  if (tenant) return { segment, tenant, base };
  await sendSsoErrorPage(reply, tenantNotFound(segment), {
    requestId: request.id,
    correlationId: request.id,
    timestamp: deps.clock.now(),
  });
  return null;
}

/** The sign-in page to go back to: the waiting SAML sign-in when it still waits, else the return path. */
async function signInHref(
  request: FastifyRequest,
  place: Place,
  back: { signInFlow: string | null; returnTo: string | null },
): Promise<string> {
  const login = `/${encodeURIComponent(place.segment)}/login`;
  const flow = await findFlow(request, back.signInFlow ?? undefined);
  if (flow) return `${login}?flow=${encodeURIComponent(flow.key)}`;
  return back.returnTo ? `${login}?return=${encodeURIComponent(back.returnTo)}` : login;
}

const expired = (reply: FastifyReply, place: Place) =>
  sendPlainPage(reply, TITLE, resetExpired({ base: place.base }), 400);

/** The subject a flow's passkey challenge is bound to: its user, or the flow itself when it has none. */
const challengeSubject = (state: ResetFlow) => state.userId ?? `password-reset:${state.id}`;

async function sendVerifyPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  place: Place,
  state: ResetFlow,
  errors: { code?: string; passkey?: string } = {},
) {
  // No allowCredentials: a list of the user's credentials would tell who has passkeys (and exists).
  // The authenticator offers its discoverable passkeys for this site; the server checks the one used.
  const options = await authenticationOptions(deps, []);
  await keepChallenge(
    request,
    'authentication',
    challengeSubject(state),
    options.challenge,
    deps.clock.now(),
  );
  return sendPlainPage(
    reply,
    TITLE,
    verifyIdentity({
      base: place.base,
      csrf: await csrfToken(request),
      flowId: state.id,
      userName: state.userName,
      optionsJson: JSON.stringify(options),
      codeError: errors.code ?? null,
      passkeyError: errors.passkey ?? null,
    }),
    errors.code || errors.passkey ? 401 : 200,
  );
}

/** GET `/{tenant}/passwordreset`: "Who are you?". */
export async function resetStartPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const query = queryOf(request);
  const back = {
    signInFlow: (await findFlow(request, query.flow))?.key ?? null,
    returnTo: query.return ? safeReturnPath(query.return, '/myapps') : null,
  };
  return sendWhoAreYou(request, reply, place, back);
}

/** "Who are you?", with the way back to the sign-in it came from, and what was wrong (400) if anything. */
async function sendWhoAreYou(
  request: FastifyRequest,
  reply: FastifyReply,
  place: Place,
  back: { signInFlow: string | null; returnTo: string | null },
  error?: string,
) {
  return sendPlainPage(
    reply,
    TITLE,
    whoAreYou({
      base: place.base,
      csrf: await csrfToken(request),
      userName: '',
      ...back,
      signInHref: await signInHref(request, place, back),
      ...(error ? { error } : {}),
    }),
    error ? 400 : 200,
  );
}

/** POST `/{tenant}/passwordreset`: the user name; the same answer (the verify page) for every one. */
export async function resetStartSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const form = formOf(request);
  const signInFlow = await findFlow(request, form.flow);
  const back = {
    signInFlow: signInFlow?.key ?? null,
    returnTo: form.return ? safeReturnPath(form.return, '/myapps') : null,
  };
  const userName = (form.username ?? '').trim().slice(0, 256);
  if (userName === '') {
    return sendWhoAreYou(request, reply, place, back, 'Enter your user name, such as B.Simon@contoso.com.');
  }
  const correlationId = signInFlow?.correlationId ?? request.id;
  const candidate = await resetCandidate(deps.db, place.tenant, userName);
  if (!candidate.ok && candidate.user) {
    await auditProgress(deps, candidate.user, correlationId, {
      result: 'failure',
      step: 'userName',
      reason: candidate.reason,
    });
  }
  request.log.info(
    { check: 'passwordReset', step: 'userName', result: candidate.ok ? 'resettable' : candidate.reason },
    'password reset started',
  );
  await startResetFlow(
    request,
    { userId: candidate.ok ? candidate.user.id : null, userName, ...back, correlationId },
    deps.clock.now(),
  );
  return reply.redirect(`${place.base}/verify`, 303);
}

/** GET `/{tenant}/passwordreset/verify`: a code or a passkey. */
export async function verifyPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const state = await resetFlowOf(request, deps.clock.now());
  if (!state) return expired(reply, place);
  if (state.stage === 'verified') return reply.redirect(`${place.base}/new`, 303);
  return sendVerifyPage(deps, request, reply, place, state);
}

/**
 * POST `/{tenant}/passwordreset/verify`: the authenticator app's code, checked as at sign-in (refused
 * while Smart Lockout holds the account; a code works once; a wrong one counts toward the lockout).
 */
export async function verifyCodeSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const form = formOf(request);
  const state = await resetFlowOf(request, deps.clock.now(), form.rid ?? '');
  if (!state) return expired(reply, place);
  if (state.stage === 'verified') return reply.redirect(`${place.base}/new`, 303);
  const candidate = await stillResettable(deps.db, state.userId);
  if (!candidate.ok) {
    // Nobody who may reset: the same answer as a wrong code.
    request.log.info({ check: 'passwordReset', step: 'verify', result: candidate.reason }, 'code refused');
    return sendVerifyPage(deps, request, reply, place, state, { code: WRONG_CODE });
  }
  const check = await checkTotpCode(deps, candidate.user, form.otc ?? '');
  if (!check.ok) {
    await auditProgress(deps, candidate.user, state.correlationId, {
      result: 'failure',
      step: 'verifyCode',
      reason: check.code === 'AADSTS50053' ? 'accountLocked' : 'wrongCode',
    });
    request.log.info({ check: 'passwordReset', step: 'verify', code: check.code }, 'code refused');
    // A locked account reads as a wrong code: "locked" would tell that the user name is real.
    return sendVerifyPage(deps, request, reply, place, state, { code: WRONG_CODE });
  }
  return verified(deps, request, reply, place, state, candidate.user, 'totp');
}

/** POST `/{tenant}/passwordreset/passkey`: a passkey's assertion, against this flow's challenge. */
export async function verifyPasskeySubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const form = formOf(request);
  const now = deps.clock.now();
  const state = await resetFlowOf(request, now, form.rid ?? '');
  if (!state) return expired(reply, place);
  if (state.stage === 'verified') return reply.redirect(`${place.base}/new`, 303);
  // Taken before anything looks at the response: one response per challenge, good or bad.
  const taken = await takeChallenge(request, 'authentication', challengeSubject(state), now);
  const candidate = await stillResettable(deps.db, state.userId);
  const result =
    taken.ok && candidate.ok
      ? await signInWithPasskey(deps, candidate.user, {
          challenge: taken.challenge,
          response: parseResponse(form.response),
        })
      : null;
  if (candidate.ok && result?.ok)
    return verified(deps, request, reply, place, state, candidate.user, 'passkey');
  const code = !taken.ok
    ? taken.code
    : result && !result.ok
      ? result.code
      : candidate.ok
        ? null
        : candidate.reason;
  if (candidate.ok) {
    await auditProgress(deps, candidate.user, state.correlationId, {
      result: 'failure',
      step: 'verifyPasskey',
      reason: code ?? 'refused',
    });
  }
  request.log.info({ check: 'passwordReset', step: 'verifyPasskey', code }, 'passkey refused');
  return sendVerifyPage(deps, request, reply, place, state, { passkey: PASSKEY_REFUSED });
}

async function verified(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  place: Place,
  state: ResetFlow,
  user: { id: string; tenantId: string } & Parameters<typeof auditProgress>[1],
  method: 'totp' | 'passkey',
) {
  // A new session id now that the flow may set a password (against fixation).
  (await getSession(request)).regenerate();
  await markVerified(request, state, method);
  await auditProgress(deps, user, state.correlationId, {
    result: 'success',
    step: method === 'totp' ? 'verifyCode' : 'verifyPasskey',
  });
  return reply.redirect(`${place.base}/new`, 303);
}

/** GET `/{tenant}/passwordreset/new`: "Choose a new password", once verified. */
export async function newPasswordPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const state = await resetFlowOf(request, deps.clock.now());
  if (!state) return expired(reply, place);
  if (state.stage !== 'verified') return reply.redirect(`${place.base}/verify`, 303);
  return sendPlainPage(
    reply,
    TITLE,
    chooseNewPassword({
      base: place.base,
      csrf: await csrfToken(request),
      flowId: state.id,
      userName: state.userName,
    }),
  );
}

/**
 * POST `/{tenant}/passwordreset/new`: the new password, for a verified flow of a user who may still
 * reset; then the flow ends (its forms do nothing more) and the user signs in with the new password.
 */
export async function newPasswordSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const place = await placeOf(deps, request, reply);
  if (!place) return reply;
  const form = formOf(request);
  const state = await resetFlowOf(request, deps.clock.now(), form.rid ?? '');
  if (!state) return expired(reply, place);
  if (state.stage !== 'verified' || !state.verifiedWith) return reply.redirect(`${place.base}/verify`, 303);
  const candidate = await stillResettable(deps.db, state.userId);
  if (!candidate.ok) {
    // Blocked, taken out of the policy's group, or the method removed since the verification.
    await endResetFlow(request);
    if (candidate.user) {
      await auditProgress(deps, candidate.user, state.correlationId, {
        result: 'failure',
        step: 'newPassword',
        reason: candidate.reason,
      });
    }
    return expired(reply, place);
  }
  const password = form.password ?? '';
  const check = await checkNewPassword(deps.db, candidate.user, password, form.confirm ?? '');
  if (!check.ok) {
    return sendPlainPage(
      reply,
      TITLE,
      chooseNewPassword({
        base: place.base,
        csrf: await csrfToken(request),
        flowId: state.id,
        userName: state.userName,
        errors: { [check.field]: check.error },
      }),
      400,
    );
  }
  await resetOwnPassword(deps, candidate.user, password, {
    correlationId: state.correlationId,
    verifiedWith: state.verifiedWith,
  });
  await endResetFlow(request);
  request.log.info({ check: 'passwordReset', step: 'newPassword', result: 'reset' }, 'password reset');
  return sendPlainPage(reply, TITLE, passwordReset({ signInHref: await signInHref(request, place, state) }));
}
