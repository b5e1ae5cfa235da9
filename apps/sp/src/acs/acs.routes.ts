import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { setFlash, signInSession } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { failureBody } from './failure.pages.ts';
import { runAcs } from './pipeline.ts';

/** POST /saml/acs/{org}/: the IdP's cross-site POST (no CSRF token; see sso/browser-binding.ts). */
export function acs(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { org } = request.params as { org: string };
    const result = await runAcs({ ctx, request, slug: org });
    const metrics = request.server.metrics;
    if (!result.ok) {
      metrics?.signIns.inc({ result: 'failure', code: result.refusal.code });
      return sendPage(request, reply, ctx, {
        title: 'Sign-in failed',
        // The IdP's POST is cross-site: the browser's Lax session cookie did not come with it, and a
        // page with a session would set a fresh cookie over it, signing the person out.
        session: false,
        status: result.refusal.code === 'ORGANIZATION_NOT_FOUND' ? 404 : 400,
        body: failureBody({
          slug: org,
          code: result.refusal.code,
          detail: result.refusal.detail,
          reference: request.id,
          at: ctx.clock.now().toISOString(),
          responseId: result.ids.responseId,
        }),
      });
    }
    metrics?.signIns.inc({ result: 'success', code: '' });
    const session = await getSession(request);
    // The sign-in takes the place of the session this browser started it from (whose cookie the
    // IdP's cross-site POST did not carry), so that no row of it is left behind.
    session.replaces(result.startedFromSession);
    const outcome = result.outcome;
    if (outcome.kind === 'link-required') {
      session.data = {};
      session.regenerate();
      session.set('pendingLink', outcome.pendingLinkId);
      return seeOther(reply, `/auth/link/${org}/`);
    }
    if (outcome.kind === 'setup-confirmation') {
      // The admin who started the setup in this browser (the pending request was bound to their
      // session) stays signed in, without SSO, and decides whether the returned identity is theirs.
      signInSession(session, outcome.userId);
      session.set('pendingSetupLink', outcome.pendingLinkId);
      await csrfToken(request);
      return seeOther(reply, `/settings/${org}/auth/setup-identity/`);
    }
    signInSession(session, outcome.userId, {
      organizationId: outcome.organizationId,
      ssoSessionId: outcome.ssoSessionId,
    });
    // The IdP's cross-site POST carried no session cookie, so this session is new: its CSRF token is
    // made now, while it is written anyway, rather than by the page it lands on (a second write).
    await csrfToken(request);
    if (outcome.activated)
      setFlash(session, 'success', 'Single sign-on works and is now active for this organization.');
    return seeOther(reply, outcome.nextPath);
  };
}
