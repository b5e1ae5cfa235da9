import { CLOCK_SKEW_SECONDS } from '@federa/saml';
import { authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** How long after its IssueInstant an AuthnRequest is accepted (plus the clock skew). */
export const MAX_REQUEST_AGE_SECONDS = 300;

/** IssueInstant is neither older than 5 minutes nor in the future, each with 3 minutes of skew. */
export const issueInstant: SsoCheck = {
  name: 'issue-instant',
  run(ctx) {
    const request = authnRequestOf(ctx);
    const now = ctx.deps.clock.now().getTime();
    const age = (now - request.issueInstant.getTime()) / 1000;
    if (age > MAX_REQUEST_AGE_SECONDS + CLOCK_SKEW_SECONDS || -age > CLOCK_SKEW_SECONDS) {
      throw new SsoError({
        code: 'AADSTS76026',
        check: this.name,
        message: `IssueInstant in the authentication request (${request.issueInstant.toISOString()}) is ${age > 0 ? 'too old' : 'in the future'}.`,
        adminAction:
          'Check the clock of the application’s server (it must be within 3 minutes of the correct time), and that the application makes a new request for each sign-in.',
        detail: { issueInstant: request.issueInstant.toISOString() },
      });
    }
  },
};
