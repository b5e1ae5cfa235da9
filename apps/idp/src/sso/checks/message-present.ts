import { rawQuery } from '@federa/saml';
import type { SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/** The request carries a SAMLRequest (or SAMLResponse): in the query for Redirect, the form for POST. */
export const messagePresent: SsoCheck = {
  name: 'message-present',
  run(ctx) {
    const present =
      ctx.binding === 'redirect'
        ? /(?:^|&)SAML(Request|Response)=/.test(rawQuery(ctx.request.url))
        : typeof (ctx.request.body as Record<string, unknown> | undefined)?.SAMLRequest === 'string' ||
          typeof (ctx.request.body as Record<string, unknown> | undefined)?.SAMLResponse === 'string';
    if (!present) {
      throw new SsoError({
        code: 'AADSTS750054',
        check: this.name,
        message:
          'SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for SAML Redirect binding.',
        adminAction:
          'Open the application from its Sign-on URL or from My Apps: this address only accepts SAML messages sent by an application.',
      });
    }
  },
};
