import { confirmation, csrfToken, isConfirmed } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { notFound } from '../errors.ts';
import { formOf, queryOf } from '../http/forms.ts';
import { sendPage, signedInHeader } from '../http/pages.ts';
import { startMfaStep } from '../signin/mfa-pending.ts';
import { currentUser, type SessionAuth, startSession } from '../signin/session-auth.ts';
import { findTenant } from '../tenants/tenants.repository.ts';
import type { User } from '../users/users.repository.ts';
import { totpEnrolForm } from './enrol.pages.ts';
import { dropEnrolment, enrolmentOf, keepEnrolment } from './enrolment-session.ts';
import { listMethods } from './methods.repository.ts';
import { removeOwnMethod } from './mfa-admin.service.ts';
import { addPasskeyAction, PASSKEY_REMOVAL_CONSEQUENCE } from './passkeys/passkey.pages.ts';
import { KIND_LABELS, securityInfoBody } from './security-info.pages.ts';
import { confirmTotpEnrolment, MAX_TOTP_METHODS, startTotpEnrolment } from './totp.service.ts';

const HOME = '/myapps/security-info';

/**
 * Security info is the user's own (signed in with the SSO session, as My Apps). A user who has a
 * second factor proves it before changing anything here (Entra: "users with an existing MFA method
 * must MFA before editing security info"), so a password alone never adds or removes a method.
 */
export async function securityInfoUser(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ user: User; auth: SessionAuth } | null> {
  const signedIn = await currentUser(request, deps);
  if (!signedIn) {
    await reply.redirect(`/common/login?return=${encodeURIComponent(HOME)}`, 303);
    return null;
  }
  const methods = await listMethods(deps.db, signedIn.user.id);
  if (methods.length > 0 && !signedIn.auth.mfaAt) {
    await startMfaStep(
      deps,
      request,
      reply,
      signedIn.user,
      { reason: null },
      {
        flow: null,
        returnTo: HOME,
        continues: signedIn.auth,
      },
    );
    return null;
  }
  return signedIn;
}

export async function send(
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  title: string,
  body: Parameters<typeof sendPage>[1]['body'],
  status = 200,
) {
  return sendPage(
    reply,
    {
      title,
      body,
      breadcrumbs: [
        { href: '/myapps', label: 'My Apps' },
        { href: HOME, label: 'Security info' },
      ],
      user: await signedInHeader(request, `${user.displayName} (${user.userPrincipalName})`),
    },
    status,
  );
}

const MESSAGES: Record<string, string> = {
  added: 'Authenticator app was successfully registered.',
  removed: 'The sign-in method was deleted.',
  passkey: 'Passkey was successfully registered.',
};

/** GET `/myapps/security-info`: the user's sign-in methods. */
export async function securityInfoPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await securityInfoUser(deps, request, reply);
  if (!signedIn) return reply;
  const methods = await listMethods(deps.db, signedIn.user.id);
  return send(
    request,
    reply,
    signedIn.user,
    'Security info',
    securityInfoBody({
      methods,
      canAdd: methods.filter((m) => m.kind === 'totp').length < MAX_TOTP_METHODS,
      message: MESSAGES[queryOf(request).done ?? ''] ?? null,
      addPasskey: addPasskeyAction(methods),
    }),
  );
}

async function addPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  key: Uint8Array,
  error: string | null,
) {
  const tenant = await findTenant(deps.db, user.tenantId);
  return send(
    request,
    reply,
    user,
    'Add an authenticator app',
    totpEnrolForm({
      action: `${HOME}/add`,
      csrf: await csrfToken(request),
      issuer: tenant?.name ?? 'Federa Directory',
      account: user.userPrincipalName,
      key,
      error,
      cancelHref: HOME,
    }),
    error ? 400 : 200,
  );
}

async function underLimit(deps: AppDeps, user: User): Promise<boolean> {
  return (await listMethods(deps.db, user.id)).filter((m) => m.kind === 'totp').length < MAX_TOTP_METHODS;
}

/** GET `/myapps/security-info/add`: the QR code and key of a new authenticator app. */
export async function addMethodPage(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await securityInfoUser(deps, request, reply);
  if (!signedIn) return reply;
  if (!(await underLimit(deps, signedIn.user))) return reply.redirect(HOME, 303);
  let current = await enrolmentOf(request, deps.config.secretKey, signedIn.user.id, deps.clock.now());
  if (!current) {
    current = startTotpEnrolment(deps, signedIn.user);
    await keepEnrolment(request, current.enrolment);
  }
  return addPage(deps, request, reply, signedIn.user, current.key, null);
}

/** POST `/myapps/security-info/add`: the first code confirms the app, which is then registered. */
export async function addMethodSubmit(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await securityInfoUser(deps, request, reply);
  if (!signedIn) return reply;
  if (!(await underLimit(deps, signedIn.user))) return reply.redirect(HOME, 303);
  const current = await enrolmentOf(request, deps.config.secretKey, signedIn.user.id, deps.clock.now());
  if (!current) return reply.redirect(`${HOME}/add`, 303);
  const result = await confirmTotpEnrolment(
    deps,
    signedIn.user,
    current.enrolment,
    current.key,
    formOf(request).otc ?? '',
  );
  if (!result.ok) return addPage(deps, request, reply, signedIn.user, current.key, result.error);
  await dropEnrolment(request);
  if (!signedIn.auth.mfaAt) {
    // The first code of the new app proved a second factor (as at the registration interrupt).
    const now = deps.clock.now();
    await startSession(request, reply, signedIn.user, now, {
      methods: [...(signedIn.auth.methods ?? []), { method: 'totp', at: now.toISOString() }],
      mfaAt: now.toISOString(),
      sessionIndex: signedIn.auth.sessionIndex,
    });
  }
  return reply.redirect(`${HOME}?done=added`, 303);
}

async function methodOf(deps: AppDeps, user: User, id: string) {
  const method = (await listMethods(deps.db, user.id)).find((m) => m.id === id);
  if (!method) throw notFound('The sign-in method');
  return method;
}

/** GET and POST `/myapps/security-info/:methodId/remove`: asks, then deletes one method. */
export async function removeMethod(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  const signedIn = await securityInfoUser(deps, request, reply);
  if (!signedIn) return reply;
  const method = await methodOf(deps, signedIn.user, (request.params as { methodId: string }).methodId);
  if (request.method === 'POST' && isConfirmed(request.body)) {
    await removeOwnMethod(deps, signedIn.user, method.id);
    return reply.redirect(`${HOME}?done=removed`, 303);
  }
  return send(
    request,
    reply,
    signedIn.user,
    'Delete sign-in method',
    confirmation({
      question: `Delete ${method.displayName}?`,
      consequences: [
        method.kind === 'passkey'
          ? PASSKEY_REMOVAL_CONSEQUENCE
          : `${KIND_LABELS[method.kind]}: you will no longer be able to sign in with its codes.`,
        'If your organization requires a second factor and this is your only one, you will be asked to set one up at your next sign-in.',
      ],
      confirmLabel: 'Delete',
      cancelHref: HOME,
      action: request.url.split('?')[0] ?? request.url,
      csrf: await csrfToken(request),
    }),
  );
}
