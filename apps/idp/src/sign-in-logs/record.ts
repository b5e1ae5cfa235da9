import type { FastifyRequest } from 'fastify';
import { conditionalAccessOf } from '../conditional-access/sign-in-log.ts';
import type { Deps } from '../context.ts';
import type { SignInAuthentication } from '../mfa/authentication-details.ts';
import {
  insertSignInLog,
  type NewSignInLogEntry,
  NO_SAML_IDS,
  type SamlIds,
  type SignInResult,
} from './sign-in-logs.repository.ts';

export interface SignInAttempt {
  tenantId: string | null;
  user: { id: string; userPrincipalName: string } | null;
  /** The user name as typed, when no user was found. */
  userName?: string | null;
  application: { id: string; displayName: string } | null;
  appIdentifier?: string | null;
  appDisplayName?: string | null;
  result: SignInResult;
  errorCode?: string | null;
  failureReason?: string | null;
  checkName?: string | null;
  correlationId: string;
  /** The SAML ids of the attempt, when it is a SAML one (what the SP's attempt log shows too). */
  saml?: Partial<SamlIds>;
  /** The factors of the attempt (Graph's authenticationDetails and authenticationRequirement). */
  authentication?: SignInAuthentication;
}

/** Writes one sign-in log row for this HTTP request (IP, user agent, request id) and counts it. */
export async function recordSignIn(
  deps: Pick<Deps, 'db' | 'clock'>,
  request: FastifyRequest,
  attempt: SignInAttempt,
): Promise<void> {
  const entry: NewSignInLogEntry = {
    tenantId: attempt.tenantId,
    userId: attempt.user?.id ?? null,
    userPrincipalName: attempt.user?.userPrincipalName ?? attempt.userName?.slice(0, 256) ?? null,
    applicationId: attempt.application?.id ?? null,
    appDisplayName: attempt.application?.displayName ?? attempt.appDisplayName ?? null,
    appIdentifier: attempt.appIdentifier?.slice(0, 1024) ?? null,
    result: attempt.result,
    errorCode: attempt.errorCode ?? null,
    failureReason: attempt.failureReason ?? null,
    checkName: attempt.checkName ?? null,
    correlationId: attempt.correlationId,
    requestId: request.id,
    ipAddress: request.ip ?? null,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    createdAt: deps.clock.now().toISOString(),
    saml: {
      authnRequestId: attempt.saml?.authnRequestId ?? NO_SAML_IDS.authnRequestId,
      responseId: attempt.saml?.responseId ?? NO_SAML_IDS.responseId,
      assertionId: attempt.saml?.assertionId ?? NO_SAML_IDS.assertionId,
    },
    authentication: attempt.authentication ?? null,
    // Conditional Access evaluated in this request (conditional-access/sign-in.ts), if it was.
    conditionalAccess: conditionalAccessOf(request),
  };
  await insertSignInLog(deps.db, entry);
  const metrics = (request.server as { metrics?: { signIns: { inc(labels: Record<string, string>): void } } })
    .metrics;
  metrics?.signIns.inc({ result: attempt.result, code: attempt.errorCode ?? '' });
  request.log.info(
    {
      signIn: {
        result: attempt.result,
        code: attempt.errorCode ?? null,
        check: attempt.checkName ?? null,
        app: entry.applicationId,
        ...entry.saml,
      },
    },
    'sign-in',
  );
}
