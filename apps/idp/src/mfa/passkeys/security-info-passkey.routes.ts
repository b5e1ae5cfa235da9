import { csrfToken } from '@federa/kit';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../context.ts';
import { formOf } from '../../http/forms.ts';
import { startMfaStep } from '../../signin/mfa-pending.ts';
import type { SessionAuth } from '../../signin/session-auth.ts';
import type { User } from '../../users/users.repository.ts';
import { listMethods } from '../methods.repository.ts';
import { securityInfoUser, send } from '../security-info.routes.ts';
import { keepChallenge, takeChallenge } from './challenge.ts';
import { addPasskeyBody, passkeyNeedsMfaBody, REFUSAL_TEXT } from './passkey.pages.ts';
import {
  normalizeName,
  type PasskeyRefusal,
  parseResponse,
  registerPasskey,
  registrationOptions,
} from './passkey.service.ts';
import { passkeysOf } from './passkeys.repository.ts';

const HOME = '/myapps/security-info';
const ADD = `${HOME}/passkey`;

/** Entra: adding a passkey needs multifactor authentication in the last 5 minutes. */
export const RECENT_MFA_SECONDS = 5 * 60;

export function recentMfa(auth: Pick<SessionAuth, 'mfaAt'>, now: Date): boolean {
  return !!auth.mfaAt && now.getTime() - Date.parse(auth.mfaAt) <= RECENT_MFA_SECONDS * 1000;
}

/**
 * The signed-in user who may add a passkey now, or null once the reply is sent: a user with no second
 * factor is told to add one first; one whose last MFA is older than 5 minutes is asked for it again,
 * and comes back here.
 */
async function registrant(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ user: User; auth: SessionAuth } | null> {
  const signedIn = await securityInfoUser(deps, request, reply);
  if (!signedIn) return null;
  if (recentMfa(signedIn.auth, deps.clock.now())) return signedIn;
  if ((await listMethods(deps.db, signedIn.user.id)).length === 0) {
    await send(request, reply, signedIn.user, 'Add a passkey', passkeyNeedsMfaBody(), 403);
    return null;
  }
  await startMfaStep(
    deps,
    request,
    reply,
    signedIn.user,
    { reason: null },
    { flow: null, returnTo: ADD, continues: signedIn.auth },
  );
  return null;
}

async function addPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  form: { name: string; refusal: PasskeyRefusal | null },
) {
  // A new challenge for every page shown: the last one was taken by the post that led here.
  const options = await registrationOptions(deps, user, await passkeysOf(deps.db, user.id));
  await keepChallenge(request, 'registration', user.id, options.challenge, deps.clock.now());
  const nameError = form.refusal === 'NAME_INVALID' ? REFUSAL_TEXT.NAME_INVALID : null;
  return send(
    request,
    reply,
    user,
    'Add a passkey',
    addPasskeyBody({
      action: ADD,
      csrf: await csrfToken(request),
      optionsJson: JSON.stringify(options),
      name: form.name,
      nameError,
      refusal: nameError ? null : form.refusal,
    }),
    form.refusal ? 400 : 200,
  );
}

/** GET `/myapps/security-info/passkey`: the name field and "Create passkey". */
export async function addPasskeyPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await registrant(deps, request, reply);
  if (!signedIn) return reply;
  return addPage(deps, request, reply, signedIn.user, { name: '', refusal: null });
}

/** POST `/myapps/security-info/passkey`: verifies the new credential against this session's challenge. */
export async function addPasskeySubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await registrant(deps, request, reply);
  if (!signedIn) return reply;
  const form = formOf(request);
  const taken = await takeChallenge(request, 'registration', signedIn.user.id, deps.clock.now());
  const result = taken.ok
    ? await registerPasskey(deps, signedIn.user, {
        challenge: taken.challenge,
        name: normalizeName(form.name),
        response: parseResponse<RegistrationResponseJSON>(form.response),
      })
    : taken;
  if (!result.ok) {
    request.log.warn({ check: 'passkeyRegistration', code: result.code }, 'passkey registration refused');
    return addPage(deps, request, reply, signedIn.user, { name: form.name ?? '', refusal: result.code });
  }
  return reply.redirect(`${HOME}?done=passkey`, 303);
}
