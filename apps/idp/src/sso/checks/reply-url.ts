import { defaultReplyUrl } from '../../applications/basic-saml.ts';
import { applicationOf, authnRequestOf, type SsoCheck } from '../context.ts';
import { SsoError } from '../sso-error.ts';

/**
 * The response can only go to a registered Reply URL: the AssertionConsumerServiceURL of the request
 * (exact match), the Reply URL with its AssertionConsumerServiceIndex, or the default Reply URL when
 * the request names neither.
 */
export const replyUrl: SsoCheck = {
  name: 'reply-url',
  run(ctx) {
    const app = applicationOf(ctx);
    const request = authnRequestOf(ctx);
    const configured = app.replyUrls.map((r) => r.url);
    if (configured.length === 0) {
      throw new SsoError({
        code: 'AADSTS500113',
        check: this.name,
        message: 'No reply address is registered for the application.',
        adminAction: `Add a Reply URL (Assertion Consumer Service URL) in Enterprise applications › ${app.displayName} › Single sign-on › Basic SAML Configuration.`,
      });
    }
    const mismatch = (sent: string) =>
      new SsoError({
        code: 'AADSTS50011',
        check: this.name,
        message: `The reply URL specified in the request does not match the reply URLs configured for the application: '${app.appId}'. Make sure the reply URL sent in the request matches one added to your application in the Federa Directory portal.`,
        adminAction: `The application asked for the response at ${sent}; the Reply URLs configured are: ${app.replyUrls
          .map((r) => (r.index === null ? r.url : `${r.url} (index ${r.index})`))
          .join(
            ', ',
          )}. Add ${sent} to the Reply URLs in Basic SAML Configuration if it is the application's, or correct the ACS URL configured in the application.`,
        detail: { sent },
      });
    if (request.assertionConsumerServiceUrl !== null) {
      if (!configured.includes(request.assertionConsumerServiceUrl))
        throw mismatch(request.assertionConsumerServiceUrl);
      ctx.acsUrl = request.assertionConsumerServiceUrl;
    } else if (request.assertionConsumerServiceIndex !== null) {
      const found = app.replyUrls.find((r) => r.index === request.assertionConsumerServiceIndex);
      if (!found) throw mismatch(`index ${request.assertionConsumerServiceIndex}`);
      ctx.acsUrl = found.url;
    } else {
      ctx.acsUrl = defaultReplyUrl(app.replyUrls)!.url;
    }
  },
};
