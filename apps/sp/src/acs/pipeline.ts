import { SamlError } from '@federa/saml';
import { recordAttempt } from '../attempts/attempts.repository.ts';
import { nowIso } from '../context.ts';
import { MappingError } from '../providers/attribute-mapping.ts';
import { loadBrowserBinding } from './checks/browser-binding.ts';
import { consumeAndSignIn } from './checks/consume-and-sign-in.ts';
import { decodePostedResponse } from './checks/decode-post.ts';
import { mapAttributes } from './checks/map-attributes.ts';
import { organizationHasSso } from './checks/organization.ts';
import { checkSetupState } from './checks/setup-state.ts';
import { validateSamlResponse } from './checks/validate-response.ts';
import { type MessageIds, messageIdsOf } from './message-ids.ts';
import { type AcsCheck, AcsFailure, type AcsOutcome, type AcsState } from './state.ts';

/** The assertion consumer service, as the named checks it runs, in order. */
export const ACS_CHECKS: readonly AcsCheck[] = [
  organizationHasSso,
  decodePostedResponse,
  loadBrowserBinding,
  validateSamlResponse,
  checkSetupState,
  mapAttributes,
  consumeAndSignIn,
];

export interface AcsRefusal {
  check: string;
  code: string;
  /** The check's own words (for the admins' attempt log; never shown to the browser). */
  message: string;
  detail: Record<string, unknown> | null;
}

export type AcsResult =
  | {
      ok: true;
      ids: MessageIds;
      outcome: AcsOutcome;
      /** The session the answered request was started from (its row's key); null when unsolicited. */
      startedFromSession: string | null;
    }
  | { ok: false; refusal: AcsRefusal; ids: MessageIds };

function refusalOf(check: string, error: unknown): AcsRefusal | null {
  if (error instanceof SamlError || error instanceof AcsFailure || error instanceof MappingError) {
    return {
      check,
      code: error.code,
      message: error.message,
      detail: (error.detail as Record<string, unknown> | undefined) ?? null,
    };
  }
  return null;
}

/**
 * Runs the checks; every attempt is logged in `sso_attempts` under the request's correlation id (the
 * reference the browser is shown), with the failing check's name and error code — never the SAML
 * message itself.
 */
export async function runAcs(state: AcsState): Promise<AcsResult> {
  const { ctx, request } = state;
  let current = ACS_CHECKS[0]!.name;
  const log = (outcome: 'success' | 'failure', refusal: AcsRefusal | null, ids: MessageIds) =>
    recordAttempt(ctx.db, {
      id: request.id,
      organizationId: state.organization?.id ?? null,
      organizationSlug: state.slug.slice(0, 100),
      createdAt: nowIso(ctx.clock),
      outcome,
      checkName: refusal?.check ?? current,
      errorCode: refusal?.code ?? null,
      message: refusal?.message ?? null,
      idpUserId: state.identity?.idpUserId ?? null,
      userId: state.outcome?.kind === 'signed-in' ? state.outcome.userId : null,
      authnRequestId: ids.authnRequestId,
      responseId: ids.responseId,
      assertionId: ids.assertionId,
      subjectName: state.identity?.name ?? null,
      subjectEmail: state.identity?.email ?? null,
      detail: refusal ? refusal.detail : emailFallbackOf(state),
    });
  try {
    for (const check of ACS_CHECKS) {
      current = check.name;
      await check.run(state);
    }
  } catch (error) {
    const refusal = refusalOf(current, error);
    const ids = messageIdsOf(state);
    if (!refusal) {
      await log(
        'failure',
        {
          check: current,
          code: 'INTERNAL_ERROR',
          message: 'An unexpected error; see the server log.',
          detail: null,
        },
        ids,
      ).catch(() => {});
      throw error;
    }
    const saml = {
      authnRequestId: ids.authnRequestId,
      responseId: ids.responseId,
      assertionId: ids.assertionId,
    };
    if (refusal.code === 'ORGANIZATION_NOT_FOUND') {
      // No organization owns this attempt, so no admin can see it: it is the operators'. Its row keeps
      // organization_id null (found by its reference), this line says which IdP sent it where (an
      // IdP-initiated sign-in with a mistyped Reply URL, typically), and /metrics counts it under
      // code="ORGANIZATION_NOT_FOUND". The line carries the correlation id, like every request line.
      request.log.warn(
        { check: refusal.check, code: refusal.code, organization: state.slug, issuer: ids.issuer, ...saml },
        'SSO response posted to an organization that does not exist (check the Reply URL at that IdP)',
      );
    } else {
      request.log.warn(
        { check: refusal.check, code: refusal.code, organization: state.slug, ...saml },
        'SSO sign-in refused',
      );
    }
    await log('failure', refusal, ids);
    return { ok: false, refusal, ids };
  }
  const ids = messageIdsOf(state);
  await log('success', null, ids);
  request.log.info(
    {
      organization: state.slug,
      outcome: state.outcome!.kind,
      responseId: ids.responseId,
      assertionId: ids.assertionId,
    },
    'SSO sign-in accepted',
  );
  return { ok: true, ids, outcome: state.outcome!, startedFromSession: state.answered?.sessionHash ?? null };
}

/** On success, whether the email came from a fallback claim (attribute-mapping.ts), for the log. */
function emailFallbackOf(state: AcsState): Record<string, unknown> | null {
  const identity = state.identity;
  const mapped = state.provider?.mapping.email ?? null;
  if (!identity || identity.emailFrom === (mapped ?? 'NameID')) return null;
  return { emailFrom: identity.emailFrom };
}
