import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { currentUser, type PendingFlow, saveFlow } from '../signin/session-auth.ts';
import { handleLogoutResponse } from '../single-logout/response.ts';
import { temporaryPasswordUserOf } from '../temporary-password/password-change-due.ts';
import { takeSomeoneElse } from '../test-sign-in/marker.ts';
import { AUTHN_REQUEST_CHECKS, MESSAGE_CHECKS } from './checks/index.ts';
import { completeFlow, failureContextOf, handleSsoFailure } from './complete.ts';
import { runChecks, type SsoContext } from './context.ts';
import { handleLogoutRequest } from './logout.ts';
import { signInTenant } from './sign-in-config.ts';
import { SsoError } from './sso-error.ts';

export function tenantNotFound(segment: string): SsoError {
  return new SsoError({
    code: 'AADSTS90015',
    check: 'tenant',
    message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct directory.`,
    adminAction: `The address names the tenant '${segment}', which is neither a tenant ID nor a verified domain. Copy the Login URL again from the application's Single sign-on page.`,
    status: 404,
  });
}

/**
 * `/{tenant}/saml2`, GET (HTTP-Redirect) and POST (HTTP-POST): an AuthnRequest runs the named checks
 * of `checks/index.ts`; then the signed-in user gets a response at once, anyone else the sign-in page
 * (the request waits in the session as a PendingFlow). A LogoutRequest ends the session (`logout.ts`).
 */
export async function samlEndpoint(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  binding: 'redirect' | 'post',
): Promise<FastifyReply> {
  const segment = (request.params as { tenant: string }).tenant;
  const tenant = await signInTenant(deps, segment);
  if (!tenant) {
    return handleSsoFailure(deps, request, reply, tenantNotFound(segment), {
      tenant: null,
      application: null,
      user: null,
      appIdentifier: null,
      correlationId: request.id,
      acsUrl: null,
      requestId: null,
      relayState: null,
    });
  }
  const signedIn = await currentUser(request, deps);
  const here = signedIn && signedIn.user.tenantId === tenant.id ? signedIn : null;
  const ctx: SsoContext = {
    deps,
    request,
    tenant,
    tenantSegment: segment,
    binding,
    correlationId: request.id,
    auth: here?.auth ?? null,
    temporaryPasswordUser: here ? null : await temporaryPasswordUserOf(request, deps, tenant.id),
    message: null,
    issuer: null,
    authnRequest: null,
    application: null,
    acsUrl: null,
    requestedNameIdFormat: null,
    authnContextClassRef: null,
    prompt: true,
  };
  try {
    await runChecks(ctx, MESSAGE_CHECKS);
    if (ctx.message?.kind === 'LogoutRequest') return await handleLogoutRequest(ctx, reply);
    // An application's answer to the LogoutRequest of a sign-out in progress (single-logout/).
    if (ctx.message?.kind === 'LogoutResponse') return await handleLogoutResponse(ctx, reply);
    if (ctx.message?.kind !== 'AuthnRequest') {
      throw new SsoError({
        code: 'AADSTS75005',
        check: 'parse',
        message: 'The request is not a valid Saml2 protocol message.',
        adminAction: `The application sent a ${ctx.message?.kind ?? 'message'} here; this endpoint accepts AuthnRequest and LogoutRequest.`,
      });
    }
    await runChecks(ctx, AUTHN_REQUEST_CHECKS);
  } catch (error) {
    return handleSsoFailure(
      deps,
      request,
      reply,
      error,
      failureContextOf(ctx, here?.user ?? ctx.temporaryPasswordUser),
    );
  }

  const flow: PendingFlow = {
    key: crypto.randomUUID(),
    tenantId: tenant.id,
    applicationId: ctx.application!.id,
    audience: ctx.issuer!,
    requestId: ctx.authnRequest!.id,
    acsUrl: ctx.acsUrl!,
    relayState: ctx.message.relayState,
    requestedNameIdFormat: ctx.requestedNameIdFormat,
    authnContextClassRef: ctx.authnContextClassRef!,
    forceAuthn: ctx.authnRequest!.forceAuthn,
    isPassive: ctx.authnRequest!.isPassive,
    correlationId: ctx.correlationId,
    createdAt: deps.clock.now().toISOString(),
  };
  // Test single sign-on › "Sign in as someone else" (test-sign-in/): the admin's marker makes this
  // browser's next interactive request for the application ask for credentials afresh.
  if (
    !flow.isPassive &&
    (await takeSomeoneElse(request, deps.clock.now(), { applicationId: flow.applicationId, mode: 'sp' }))
  ) {
    flow.someoneElse = true;
  }
  if (!ctx.prompt && here && !flow.someoneElse) {
    return completeFlow(deps, request, reply, flow, here, { tenant, application: ctx.application! });
  }
  await saveFlow(request, flow);
  return reply.redirect(`/${encodeURIComponent(segment)}/login?flow=${flow.key}`, 303);
}
