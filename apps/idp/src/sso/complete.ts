import { AppError } from '@federa/kit';
import { AUTHN_CONTEXT, buildStatusResponse, issueResponse, STATUS } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../applications/applications.repository.ts';
import { defaultReplyUrl } from '../applications/basic-saml.ts';
import { accessOf } from '../assignments/assignments.repository.ts';
import {
  askToSignInAgain,
  enforceConditionalAccess,
  requireGrantsDone,
} from '../conditional-access/sign-in.ts';
import type { AppDeps, Deps } from '../context.ts';
import { keepSignedInStep } from '../keep-signed-in/keep-signed-in.ts';
import { amrValues, authenticationOf } from '../mfa/authentication-details.ts';
import { recordSignIn } from '../sign-in-logs/record.ts';
import { unmetMfa } from '../signin/mfa-gate.ts';
import { startMfaStep } from '../signin/mfa-pending.ts';
import { dropFlow, type PendingFlow, type SessionAuth, saveFlow } from '../signin/session-auth.ts';
import { recordParticipant } from '../single-logout/participants.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import type { User } from '../users/users.repository.ts';
import { COMPLETION_CHECKS } from './checks/index.ts';
import { buildClaims, nameIdValueFor, resolveNameIdFormat } from './claims.ts';
import { type CompletionContext, idpAddresses, type SsoContext } from './context.ts';
import { sendSsoErrorPage } from './error-page.ts';
import { sendSamlPost } from './respond.ts';
import { type SignInApplication, signInApplication, signInTenant } from './sign-in-config.ts';
import { SsoError, SsoStatusRefusal } from './sso-error.ts';

/** What a failure is logged and answered with. */
export interface FailureContext {
  tenant: Tenant | null;
  application: Application | null;
  user: User | null;
  appIdentifier: string | null;
  correlationId: string;
  /** For status responses to the SP. */
  acsUrl: string | null;
  requestId: string | null;
  relayState: string | null;
}

export function failureContextOf(ctx: SsoContext, user: User | null): FailureContext {
  return {
    tenant: ctx.tenant,
    application: ctx.application,
    user,
    appIdentifier: ctx.issuer,
    correlationId: ctx.correlationId,
    acsUrl: ctx.acsUrl,
    requestId: ctx.authnRequest?.id ?? null,
    relayState: ctx.message?.relayState ?? null,
  };
}

/**
 * Answers a refused sign-in: an SsoError with Entra's error page, an SsoStatusRefusal with a SAML
 * Response carrying the status, posted to the (already checked) Reply URL. Either way one sign-in log
 * row. Anything else propagates (a 500 with a correlation id).
 */
export async function handleSsoFailure(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  fc: FailureContext,
): Promise<FastifyReply> {
  if (error instanceof SsoError) {
    request.log.warn({ code: error.code, check: error.check, detail: error.detail }, 'sign-in refused');
    await recordSignIn(deps, request, {
      tenantId: fc.tenant?.id ?? null,
      user: fc.user,
      application: fc.application,
      appIdentifier: fc.appIdentifier,
      result: 'failure',
      errorCode: error.code,
      failureReason: error.message,
      checkName: error.check,
      correlationId: fc.correlationId,
      // No response goes back: the SP's own reference is the AuthnRequest ID it sent.
      saml: { authnRequestId: fc.requestId },
    });
    return sendSsoErrorPage(reply, error, {
      requestId: request.id,
      correlationId: fc.correlationId,
      timestamp: deps.clock.now(),
      appName: fc.application?.displayName ?? null,
    });
  }
  if (error instanceof SsoStatusRefusal && fc.tenant && fc.application && fc.acsUrl && fc.requestId) {
    request.log.info(
      { code: error.code, check: error.check, status: error.status.subCode },
      'sign-in answered with a status',
    );
    // The status Response's ID is what the SP's attempt log shows for this refusal.
    const responseId = deps.random.id();
    await recordSignIn(deps, request, {
      tenantId: fc.tenant.id,
      user: fc.user,
      application: fc.application,
      appIdentifier: fc.appIdentifier,
      result: error.code === 'AADSTS50058' ? 'interrupted' : 'failure',
      errorCode: error.code,
      failureReason: error.status.message,
      checkName: error.check,
      correlationId: fc.correlationId,
      saml: { authnRequestId: fc.requestId, responseId },
    });
    const credential = (await signInApplication(deps, fc.tenant.id, fc.application.id))?.credential;
    const xml = buildStatusResponse({
      id: responseId,
      inResponseTo: fc.requestId,
      issueInstant: deps.clock.now(),
      issuer: idpAddresses(deps.config.baseUrl, fc.tenant.id).entityId,
      destination: fc.acsUrl,
      status: error.status,
      sign: credential
        ? { credential, algorithm: fc.application.signingAlgorithm === 'sha1' ? 'rsa-sha1' : 'rsa-sha256' }
        : undefined,
    });
    return sendSamlPost(reply, {
      action: fc.acsUrl,
      parameter: 'SAMLResponse',
      xml,
      relayState: fc.relayState,
    });
  }
  throw error;
}

/**
 * Finishes a sign-in for the signed-in user: checks the application is still usable, the user may use
 * it (COMPLETION_CHECKS), then issues the Response from the application's claims and signing settings
 * and posts it to the flow's Reply URL with the RelayState. Logs the outcome; never throws an SsoError.
 */
export async function completeFlow(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  flow: PendingFlow,
  signedIn: { auth: SessionAuth; user: User },
  /** The tenant and application the SAML endpoint's checks loaded in this same request, if so. */
  loaded?: { tenant: Tenant; application: SignInApplication },
): Promise<FastifyReply> {
  // A flow finished later (after the sign-in page) reads both again: either may have changed since.
  const tenant = loaded?.tenant ?? (await signInTenant(deps, flow.tenantId));
  const app =
    loaded?.application ?? (tenant ? await signInApplication(deps, tenant.id, flow.applicationId) : null);
  const fc: FailureContext = {
    tenant,
    application: app,
    user: signedIn.user,
    appIdentifier: flow.audience,
    correlationId: flow.correlationId,
    acsUrl: flow.acsUrl,
    requestId: flow.requestId,
    relayState: flow.relayState,
  };
  await dropFlow(request, flow.key);
  try {
    if (!tenant || !app) {
      throw new SsoError({
        code: 'AADSTS700016',
        check: 'known-application',
        message: `Application with identifier '${flow.audience}' was not found in the directory.`,
        adminAction:
          'The application was deleted while the user was signing in. Add it again, or start the sign-in from another application.',
      });
    }
    if (!app.enabledForSignIn) {
      throw new SsoError({
        code: 'AADSTS7000112',
        check: 'application-enabled',
        message: `Application '${app.appId}'(${app.displayName}) is disabled.`,
        adminAction: `Set "Enabled for users to sign-in?" to Yes in Enterprise applications › ${app.displayName} › Properties.`,
        status: 403,
      });
    }
    if (!app.replyUrls.some((r) => r.url === flow.acsUrl)) {
      throw new SsoError({
        code: 'AADSTS50011',
        check: 'reply-url',
        message: `The reply URL specified in the request does not match the reply URLs configured for the application: '${app.appId}'.`,
        adminAction: `The Reply URL ${flow.acsUrl} was removed while the user was signing in. Add it back in Basic SAML Configuration, or start the sign-in again.`,
      });
    }
    const access = await accessOf(deps.db, app.id, signedIn.user.id);
    const nameIdFormat = resolveNameIdFormat(app, flow.requestedNameIdFormat);
    const ctx: CompletionContext = {
      deps,
      tenant,
      application: app,
      user: signedIn.user,
      roleIds: access.roleIds,
      nameIdFormat,
    };
    for (const check of COMPLETION_CHECKS) await check.run(ctx);
    // Conditional Access, in Entra's order: a Block ends it (AADSTS53003); a sign-in frequency that
    // has passed asks for the password again; then the MFA step below prompts for the grants; the
    // outcome goes to this attempt's sign-in log row.
    const ca = await enforceConditionalAccess(deps, request, {
      tenantId: tenant.id,
      appId: app.appId,
      appName: app.displayName,
      auth: signedIn.auth,
      userId: signedIn.user.id,
    });
    if (ca.reauthenticate) return await askToSignInAgain(request, reply, flow);
    // MFA (signin/mfa-gate.ts): a session that has not done the second factor this sign-in needs is
    // taken to it; the flow waits and is finished once it is done.
    const mfa = await unmetMfa(deps, request, signedIn, app);
    if (mfa && flow.isPassive) {
      throw new SsoStatusRefusal({
        code: 'AADSTS50076',
        check: 'mfa',
        status: {
          code: STATUS.responder,
          subCode: STATUS.noPassive,
          message: 'A silent sign-in request was sent but the user must do multifactor authentication.',
        },
      });
    }
    if (mfa) {
      await saveFlow(request, flow);
      return await startMfaStep(deps, request, reply, signedIn.user, mfa, {
        flow: flow.key,
        returnTo: null,
        continues: signedIn.auth,
        someoneElse: flow.someoneElse === true,
      });
    }
    // No response without the grants Conditional Access asks for (AADSTS50076).
    requireGrantsDone(ca.outcome, app.displayName);
    // "Stay signed in?" after an interactive sign-in, or the persistent browser session control; not
    // for "Sign in as someone else" (test-sign-in/), whose sign-in this browser's session never keeps.
    const kmsi = flow.someoneElse
      ? null
      : await keepSignedInStep(deps, request, reply, {
          user: signedIn.user,
          persistentBrowser: ca.outcome.persistentBrowser,
          flow,
          returnTo: null,
        });
    if (kmsi) return kmsi;

    const credential = app.credential;
    if (!credential) {
      throw new AppError(
        'certificate_unusable',
        500,
        `${app.displayName} has no active signing certificate. An administrator must make one active.`,
      );
    }
    const issuer = idpAddresses(deps.config.baseUrl, tenant.id).entityId;
    const attributes = buildClaims({
      tenant,
      user: signedIn.user,
      application: app,
      issuer,
      groups: access.groups,
      roles: app.appRoles.filter((r) => access.roleIds.includes(r.id)),
      authnMethods: amrValues(signedIn.auth),
    });
    const nameIdValue = nameIdValueFor(app, signedIn.user, nameIdFormat, deps.random);
    const issued = await issueResponse({
      issuer,
      destination: flow.acsUrl,
      audience: flow.audience,
      inResponseTo: flow.requestId,
      nameId: { value: nameIdValue, format: nameIdFormat },
      attributes,
      authnInstant: new Date(signedIn.auth.authnInstant),
      authnContextClassRef: flow.authnContextClassRef || AUTHN_CONTEXT.password,
      signing: {
        credential,
        algorithm: app.signingAlgorithm === 'sha1' ? 'rsa-sha1' : 'rsa-sha256',
        mode: app.signingOption,
      },
      clock: deps.clock,
      random: deps.random,
    });
    await recordSignIn(deps, request, {
      tenantId: tenant.id,
      user: signedIn.user,
      application: app,
      appIdentifier: flow.audience,
      result: 'success',
      checkName: 'issue',
      correlationId: flow.correlationId,
      authentication: authenticationOf(
        signedIn.auth.methods ?? [{ method: 'password', at: signedIn.auth.authnInstant }],
        flow.createdAt,
      ),
      saml: {
        authnRequestId: flow.requestId,
        responseId: issued.responseId,
        assertionId: issued.assertionId,
      },
    });
    request.log.info(
      { responseId: issued.responseId, assertionId: issued.assertionId, app: app.id },
      'response issued',
    );
    // The session remembers the application, to send it a LogoutRequest at sign-out (single-logout/);
    // a sign-in as someone else (test-sign-in/) is no part of this browser's SSO session.
    if (!flow.someoneElse)
      await recordParticipant(request, {
        tenantId: tenant.id,
        applicationId: app.id,
        audience: flow.audience,
        nameId: nameIdValue,
        nameIdFormat,
        // issueResponse's AuthnStatement carries the assertion ID as SessionIndex, as Entra's does.
        sessionIndex: issued.assertionId,
        ssoSession: signedIn.auth.sessionIndex,
        at: deps.clock.now().toISOString(),
      });
    return sendSamlPost(reply, {
      action: flow.acsUrl,
      parameter: 'SAMLResponse',
      xml: issued.xml,
      relayState: flow.relayState,
    });
  } catch (error) {
    return handleSsoFailure(deps, request, reply, error, fc);
  }
}

/**
 * The flow of an IdP-initiated sign-in (My Apps, "Test this application"): an unsolicited response
 * to the default Reply URL, for the default Identifier, with the configured Relay State.
 */
export function idpInitiatedFlow(deps: Deps, app: Application, correlationId: string): PendingFlow {
  const reply = defaultReplyUrl(app.replyUrls);
  const identifier = app.identifiers.find((i) => i.isDefault) ?? app.identifiers[0];
  if (!identifier) {
    throw new SsoError({
      code: 'AADSTS700016',
      check: 'known-application',
      message: `The application ${app.displayName} has no Identifier, so no response can be addressed to it.`,
      adminAction: `Add an Identifier (Entity ID) in Enterprise applications › ${app.displayName} › Single sign-on › Basic SAML Configuration.`,
    });
  }
  if (!reply) {
    throw new SsoError({
      code: 'AADSTS500113',
      check: 'reply-url',
      message: 'No reply address is registered for the application.',
      adminAction: `Add a Reply URL in Enterprise applications › ${app.displayName} › Single sign-on › Basic SAML Configuration.`,
    });
  }
  if (!app.enabledForSignIn) {
    throw new SsoError({
      code: 'AADSTS7000112',
      check: 'application-enabled',
      message: `Application '${app.appId}'(${app.displayName}) is disabled.`,
      adminAction: `Set "Enabled for users to sign-in?" to Yes in Enterprise applications › ${app.displayName} › Properties.`,
      status: 403,
    });
  }
  return {
    key: crypto.randomUUID(),
    tenantId: app.tenantId,
    applicationId: app.id,
    audience: identifier.identifier,
    requestId: null,
    acsUrl: reply.url,
    relayState: app.relayState,
    requestedNameIdFormat: null,
    authnContextClassRef: AUTHN_CONTEXT.password,
    forceAuthn: false,
    correlationId,
    createdAt: deps.clock.now().toISOString(),
  };
}
