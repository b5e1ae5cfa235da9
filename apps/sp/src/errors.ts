import { AppError } from '@federa/kit';

/** Every way Federa Workspace refuses a request, as a closed union (tests assert these codes). */
export type SpErrorCode =
  | 'not_found'
  | 'not_signed_in'
  | 'forbidden'
  | 'rate_limited'
  | 'account_locked'
  | 'invitation_invalid'
  | 'link_invalid'
  | 'sso_not_configured'
  | 'sso_start_failed'
  | 'mail_unavailable'
  | 'account_scoped'
  | 'member_suspended'
  | 'member_not_provisioned'
  | 'signing_key_conflict';

export class SpError extends AppError<SpErrorCode> {}

export const notFound = (what = 'page'): SpError =>
  new SpError(
    'not_found',
    404,
    `There is no such ${what}. Check the link, or start again from the home page.`,
  );

export const forbidden = (message = 'Your role in this organization does not allow this.'): SpError =>
  new SpError('forbidden', 403, message);

/** A member suspended by the organization's directory (SCIM `active: false`), on every page and sign-in. */
export const memberSuspended = (organizationName: string): SpError =>
  new SpError(
    'member_suspended',
    403,
    `Your access to ${organizationName} is suspended by its directory. Ask your administrator to restore it (in your organization’s identity provider: assign you to the application again).`,
  );
