import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../context.ts';
import { formOf, queryOf } from '../../http/forms.ts';
import { sendPlainPage } from '../../http/pages.ts';
import { common, finish, loadStep, logStep, type Step } from '../../signin/mfa-step.routes.ts';
import type { AuthMethodUse } from '../../signin/session-auth.ts';
import { authenticationOf } from '../authentication-details.ts';
import { type AuthenticationMethod, listMethods } from '../methods.repository.ts';
import { mfaRequirement } from '../requirement.ts';
import { keepChallenge, takeChallenge } from './challenge.ts';
import { passkeyChallenge, passkeyRegistrationInterrupt, REFUSAL_TEXT } from './passkey.pages.ts';
import {
  authenticationOptions,
  normalizeName,
  type PasskeyRefusal,
  parseResponse,
  registerPasskey,
  registrationOptions,
  signInWithPasskey,
} from './passkey.service.ts';
import { deviceBound, passkeysOf } from './passkeys.repository.ts';
import { RECENT_MFA_SECONDS } from './security-info-passkey.routes.ts';

// The passkey parts of the MFA step at `/{tenant}/mfa` (signin/mfa-step.routes.ts): the challenge, its
// answer, and the registration interrupt for a sign-in that only a passkey can satisfy.

/** A second factor proved in this sign-in within the last 5 minutes (what adding a passkey needs). */
function recentSecondFactor(methods: readonly AuthMethodUse[], now: Date): boolean {
  return methods.some(
    (m) => m.method !== 'password' && now.getTime() - Date.parse(m.at) <= RECENT_MFA_SECONDS * 1000,
  );
}

async function challengePage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Step,
  options: { otherWays: boolean; refusal?: PasskeyRefusal },
) {
  const passkeys = await passkeysOf(deps.db, step.user.id);
  const requestOptions = await authenticationOptions(deps, passkeys);
  await keepChallenge(request, 'authentication', step.user.id, requestOptions.challenge, deps.clock.now());
  return sendPlainPage(
    reply,
    'Use your passkey',
    passkeyChallenge({
      ...common(step),
      optionsJson: JSON.stringify(requestOptions),
      otherWays: options.otherWays,
      refusal: options.refusal ?? null,
    }),
    options.refusal ? 401 : 200,
  );
}

/**
 * The page of the MFA step when passkeys decide it, or null for the code page (or the list of ways).
 * A registered passkey is offered first ("strongest method first"); when Conditional Access asks for
 * phishing-resistant MFA it is the only way. A user who must use a passkey and has none proves another
 * factor first (the code page), then registers one (Entra: registering a passkey needs MFA in the last
 * 5 minutes; a user with no method at all is refused in signin/mfa-gate.ts).
 */
export async function passkeyStepPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Step,
  methods: readonly AuthenticationMethod[],
): Promise<FastifyReply | null> {
  const hasPasskey = methods.some((m) => m.kind === 'passkey');
  const hasOther = methods.some((m) => m.kind !== 'passkey');
  const query = queryOf(request);
  const requirement = await mfaRequirement(deps, { user: step.user, application: step.app, request });
  if (requirement.phishingResistant) {
    if (hasPasskey) return challengePage(deps, request, reply, step, { otherWays: false });
    if (recentSecondFactor(step.pending.methods, deps.clock.now())) {
      return reply.redirect(`${step.base}/passkey/register`, 303);
    }
    return null;
  }
  if (!hasPasskey || query.choose || query.method === 'totp') return null;
  return challengePage(deps, request, reply, step, { otherWays: hasOther });
}

/** POST `/{tenant}/mfa/passkey`: the assertion, checked against this session's challenge. */
export async function passkeySubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  const taken = await takeChallenge(request, 'authentication', step.user.id, deps.clock.now());
  const result = taken.ok ? await signIn(deps, step, taken.challenge, formOf(request).response) : taken;
  if (result.ok) {
    return finish(deps, request, reply, step, 'passkey', { deviceBound: deviceBound(result.passkey) });
  }
  if (result.code === 'COUNTER_REGRESSED') {
    // A signature counter that did not move forward: a cloned authenticator, or a replay. The ids and
    // counters only; never the response.
    request.log.warn(
      { check: 'passkeyCounter', userId: step.user.id, ...result.detail },
      'passkey refused: signature counter did not increase',
    );
  }
  await logStep(deps, request, step, {
    result: 'failure',
    errorCode: 'AADSTS500121',
    failureReason: `Authentication failed during strong authentication request (passkey: ${result.code}).`,
    authentication: authenticationOf(step.pending.methods, null, {
      required: true,
      failed: {
        method: 'passkey',
        deviceBound: 'passkey' in result && result.passkey ? deviceBound(result.passkey) : undefined,
        at: deps.clock.now().toISOString(),
        detail: REFUSAL_TEXT[result.code],
      },
    }),
  });
  const methods = await listMethods(deps.db, step.user.id);
  const requirement = await mfaRequirement(deps, { user: step.user, application: step.app, request });
  return challengePage(deps, request, reply, step, {
    otherWays: !requirement.phishingResistant && methods.some((m) => m.kind !== 'passkey'),
    refusal: result.code,
  });
}

async function signIn(deps: AppDeps, step: Step, challenge: string, response: string | undefined) {
  return signInWithPasskey(deps, step.user, {
    challenge,
    response: parseResponse<AuthenticationResponseJSON>(response),
  });
}

async function registerPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  step: Step,
  form: { name: string; refusal: PasskeyRefusal | null },
) {
  const options = await registrationOptions(deps, step.user, await passkeysOf(deps.db, step.user.id));
  await keepChallenge(request, 'registration', step.user.id, options.challenge, deps.clock.now());
  const nameError = form.refusal === 'NAME_INVALID' ? REFUSAL_TEXT.NAME_INVALID : null;
  return sendPlainPage(
    reply,
    'Keep your account secure',
    passkeyRegistrationInterrupt({
      ...common(step),
      optionsJson: JSON.stringify(options),
      name: form.name,
      nameError,
      refusal: nameError ? null : form.refusal,
    }),
    form.refusal ? 400 : 200,
  );
}

/** Only a sign-in that proved a second factor in the last 5 minutes may add a passkey here. */
function mayRegister(deps: AppDeps, step: Step): boolean {
  return recentSecondFactor(step.pending.methods, deps.clock.now());
}

/** GET `/{tenant}/mfa/passkey/register`: "Keep your account secure" with a passkey. */
export async function passkeyRegisterPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  if (!mayRegister(deps, step)) return reply.redirect(step.base, 303);
  return registerPage(deps, request, reply, step, { name: '', refusal: null });
}

/** POST `/{tenant}/mfa/passkey/register`: the new passkey; then the user signs in with it. */
export async function passkeyRegisterSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const step = await loadStep(deps, request, reply);
  if (!step) return reply;
  if (!mayRegister(deps, step)) return reply.redirect(step.base, 303);
  const form = formOf(request);
  const taken = await takeChallenge(request, 'registration', step.user.id, deps.clock.now());
  const result = taken.ok
    ? await registerPasskey(deps, step.user, {
        challenge: taken.challenge,
        name: normalizeName(form.name),
        response: parseResponse<RegistrationResponseJSON>(form.response),
      })
    : taken;
  if (!result.ok) {
    request.log.warn({ check: 'passkeyRegistration', code: result.code }, 'passkey registration refused');
    return registerPage(deps, request, reply, step, { name: form.name ?? '', refusal: result.code });
  }
  // Creating a credential is not an assertion: the sign-in goes on with the passkey itself.
  return reply.redirect(`${step.base}?method=passkey`, 303);
}
