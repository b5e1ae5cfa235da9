import type { Db } from '../db/db.ts';

export interface SsoAttempt {
  /** The correlation id, shown to the person as the reference. */
  id: string;
  organizationId: string | null;
  organizationSlug: string;
  createdAt: string;
  outcome: 'success' | 'failure';
  checkName: string;
  errorCode: string | null;
  message: string | null;
  detail: Record<string, unknown> | null;
  idpUserId: string | null;
  userId: string | null;
  /** The SAML ids, as the IdP's sign-in log shows them (unverified when the attempt failed early). */
  authnRequestId: string | null;
  responseId: string | null;
  assertionId: string | null;
  /** Who, as the attribute mapping read them; null when it did not run. */
  subjectName: string | null;
  subjectEmail: string | null;
}

export async function recordAttempt(db: Db, attempt: SsoAttempt): Promise<void> {
  await db
    .insertInto('sso_attempts')
    .values({
      id: attempt.id,
      organization_id: attempt.organizationId,
      organization_slug: attempt.organizationSlug,
      created_at: attempt.createdAt,
      outcome: attempt.outcome,
      check_name: attempt.checkName,
      error_code: attempt.errorCode,
      message: attempt.message,
      detail: attempt.detail ? JSON.stringify(attempt.detail) : null,
      idp_user_id: attempt.idpUserId,
      user_id: attempt.userId,
      authn_request_id: attempt.authnRequestId,
      response_id: attempt.responseId,
      assertion_id: attempt.assertionId,
      subject_name: attempt.subjectName,
      subject_email: attempt.subjectEmail,
    })
    .execute();
}

export async function listAttempts(db: Db, organizationId: string, limit: number): Promise<SsoAttempt[]> {
  const rows = await db
    .selectFrom('sso_attempts')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    organizationSlug: r.organization_slug,
    createdAt: r.created_at,
    outcome: r.outcome as SsoAttempt['outcome'],
    checkName: r.check_name,
    errorCode: r.error_code,
    message: r.message,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    idpUserId: r.idp_user_id,
    userId: r.user_id,
    authnRequestId: r.authn_request_id,
    responseId: r.response_id,
    assertionId: r.assertion_id,
    subjectName: r.subject_name,
    subjectEmail: r.subject_email,
  }));
}
