import type { FastifyRequest } from 'fastify';
import { findApplication } from '../applications/applications.repository.ts';
import type { Grant } from './policy.ts';
import { type CaDeps, evaluateSignIn } from './sign-in.ts';

/**
 * The grants Conditional Access asks of a sign-in to the application, whatever the
 * session has done so far, in Entra's order: what the MFA step (`mfa/requirement.ts`) must prompt for.
 * Empty when no enabled policy asks for one, or when one blocks (the sign-in then ends at
 * AADSTS53003 without a prompt, as in Entra).
 */
export async function conditionalAccessGrants(
  ctx: CaDeps,
  input: {
    user: { id: string; tenantId: string };
    /** The application; its client id when the caller has it (the sign-in flow's does), else looked up. */
    application: { id: string; appId?: string };
    request: FastifyRequest;
  },
): Promise<Grant[]> {
  const appId =
    input.application.appId ??
    (await findApplication(ctx.db, input.user.tenantId, input.application.id))?.appId;
  if (!appId) return [];
  const outcome = await evaluateSignIn(ctx, {
    tenantId: input.user.tenantId,
    userId: input.user.id,
    appId,
    request: input.request,
    session: { lastInteractiveAt: null, methods: ['password'] },
  });
  return outcome.blockedBy ? [] : outcome.requiredGrants;
}
