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
  | 'account_scoped';

export class SpError extends AppError<SpErrorCode> {}

export const notFound = (what = 'page'): SpError =>
  new SpError(
    'not_found',
    404,
    `There is no such ${what}. Check the link, or start again from the home page.`,
  );

export const forbidden = (message = 'Your role in this organization does not allow this.'): SpError =>
  new SpError('forbidden', 403, message);
