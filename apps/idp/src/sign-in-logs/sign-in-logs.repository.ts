import type { Selectable } from 'kysely';
import type { SignInConditionalAccess } from '../conditional-access/sign-in-log.ts';
import type { Db, SignInLogsTable } from '../db/schema.ts';
import type { SignInAuthentication } from '../mfa/authentication-details.ts';

export type SignInResult = 'success' | 'failure' | 'interrupted';

export interface SignInLogEntry {
  id: string;
  tenantId: string | null;
  userId: string | null;
  userPrincipalName: string | null;
  applicationId: string | null;
  appDisplayName: string | null;
  appIdentifier: string | null;
  result: SignInResult;
  /** e.g. `AADSTS50105`; null on success. */
  errorCode: string | null;
  failureReason: string | null;
  /** The named check that decided (`assignment`, `reply-url`, `password`, …). */
  checkName: string | null;
  correlationId: string;
  requestId: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
  /** The SAML ids (null where there is none: no AuthnRequest when IdP-initiated, no Assertion when refused). */
  saml: SamlIds;
  /** The factors of the attempt (migration 0009-mfa); null for a row written before, or with none checked. */
  authentication: SignInAuthentication | null;
  /** What Conditional Access decided (migration 0010); null for a row it did not evaluate. */
  conditionalAccess: SignInConditionalAccess | null;
}

/** What the SP's log shows too: the way to follow one attempt across the two services. */
export interface SamlIds {
  authnRequestId: string | null;
  responseId: string | null;
  assertionId: string | null;
}

export const NO_SAML_IDS: SamlIds = { authnRequestId: null, responseId: null, assertionId: null };

/** A row to write; no `saml` ids for an attempt outside SAML. */
export type NewSignInLogEntry = Omit<
  SignInLogEntry,
  'id' | 'saml' | 'authentication' | 'conditionalAccess'
> & {
  saml?: SamlIds;
  authentication?: SignInAuthentication | null;
  conditionalAccess?: SignInConditionalAccess | null;
};

export async function insertSignInLog(db: Db, entry: NewSignInLogEntry): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('sign_in_logs')
    .values({
      id,
      tenant_id: entry.tenantId,
      user_id: entry.userId,
      user_principal_name: entry.userPrincipalName,
      application_id: entry.applicationId,
      app_display_name: entry.appDisplayName,
      app_identifier: entry.appIdentifier,
      result: entry.result,
      error_code: entry.errorCode,
      failure_reason: entry.failureReason,
      check_name: entry.checkName,
      correlation_id: entry.correlationId,
      request_id: entry.requestId,
      ip_address: entry.ipAddress,
      user_agent: entry.userAgent?.slice(0, 512) ?? null,
      created_at: entry.createdAt,
      // The AuthnRequest ID is the SP's (as it sent it); the other two are this IdP's own.
      authn_request_id: entry.saml?.authnRequestId?.slice(0, 256) ?? null,
      response_id: entry.saml?.responseId ?? null,
      assertion_id: entry.saml?.assertionId ?? null,
      authentication_requirement: entry.authentication?.requirement ?? null,
      authentication_details: entry.authentication ? JSON.stringify(entry.authentication.details) : null,
      conditional_access_status: entry.conditionalAccess?.status ?? 'notApplied',
      conditional_access: entry.conditionalAccess ? JSON.stringify(entry.conditionalAccess) : null,
    })
    .execute();
  return id;
}

export interface SignInLogFilter {
  result?: SignInResult | null;
  userId?: string | null;
  applicationId?: string | null;
  limit?: number;
}

export async function listSignInLogs(
  db: Db,
  tenantId: string,
  filter: SignInLogFilter = {},
): Promise<SignInLogEntry[]> {
  let query = db.selectFrom('sign_in_logs').selectAll().where('tenant_id', '=', tenantId);
  if (filter.result) query = query.where('result', '=', filter.result);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.applicationId) query = query.where('application_id', '=', filter.applicationId);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(toSignInLogEntry);
}

/** One attempt of the tenant (the portal's sign-in detail). */
export async function findSignInLog(db: Db, tenantId: string, id: string): Promise<SignInLogEntry | null> {
  const row = await db
    .selectFrom('sign_in_logs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSignInLogEntry(row) : null;
}

/** A sign_in_logs row as the domain object (snake_case stays here). */
export function toSignInLogEntry(row: Selectable<SignInLogsTable>): SignInLogEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    userPrincipalName: row.user_principal_name,
    applicationId: row.application_id,
    appDisplayName: row.app_display_name,
    appIdentifier: row.app_identifier,
    result: row.result as SignInResult,
    errorCode: row.error_code,
    failureReason: row.failure_reason,
    checkName: row.check_name,
    correlationId: row.correlation_id,
    requestId: row.request_id,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    saml: {
      authnRequestId: row.authn_request_id,
      responseId: row.response_id,
      assertionId: row.assertion_id,
    },
    authentication:
      row.authentication_requirement && row.authentication_details
        ? {
            requirement: row.authentication_requirement as SignInAuthentication['requirement'],
            details: JSON.parse(row.authentication_details) as SignInAuthentication['details'],
          }
        : null,
    conditionalAccess: row.conditional_access
      ? (JSON.parse(row.conditional_access) as SignInConditionalAccess)
      : null,
  };
}
