import { getSession } from '@federa/kit';
import { parseCertificate } from '@federa/saml';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { notFound, SpError } from '../errors.ts';
import { type OrgAccess, orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther } from '../web/page.ts';
import { makeSigningKey, removeSigningKey, useSigningKey } from './signing-key-rollover.service.ts';
import { listSpSigningKeys } from './sp-signing-keys.repository.ts';

// Org Settings › Auth › SP signing keys (owners and managers, like the rest of the auth settings):
// the rollover's buttons and each key's certificate download.

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = { org: string; keyId?: string };

const access = (request: FastifyRequest, reply: FastifyReply, ctx: Context) =>
  orgPageAccess(request, reply, ctx, (request.params as Params).org, {
    permission: 'auth:write',
    ownerMayBypassSso: true,
  });

/** Runs a rollover step; a step the keys no longer allow (another tab, another admin) is a flash. */
function rolloverStep(ctx: Context, step: (a: OrgAccess, keyId: string) => Promise<string>): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const session = await getSession(request);
    try {
      setFlash(session, 'success', await step(a, (request.params as Params).keyId ?? ''));
    } catch (error) {
      if (!(error instanceof SpError) || error.code !== 'signing_key_conflict') throw error;
      setFlash(session, 'error', error.message);
    }
    return seeOther(reply, `/settings/${a.organization.slug}/auth/`);
  };
}

/** POST `/settings/:org/auth/signing-keys/`: "New signing key". */
export const newSigningKey = (ctx: Context): Handler =>
  rolloverStep(ctx, async (a) => {
    const key = await makeSigningKey(ctx, { organizationId: a.organization.id, actorUserId: a.user.id });
    return key.status === 'active'
      ? 'Made the signing key: requests are signed with it.'
      : 'Made a new signing key. The SP metadata publishes it beside the active one: once your IdP has read it (or you uploaded its certificate there), press “Use the new key”.';
  });

/** POST `/settings/:org/auth/signing-keys/:keyId/use/`: "Use the new key". */
export const useNewSigningKey = (ctx: Context): Handler =>
  rolloverStep(ctx, async (a, keyId) => {
    await useSigningKey(ctx, { organizationId: a.organization.id, actorUserId: a.user.id, keyId });
    return 'Requests are now signed with the new key. The old one stays in the SP metadata as previous until you remove it.';
  });

/** POST `/settings/:org/auth/signing-keys/:keyId/remove/`: "Discard" (next) or "Remove" (previous). */
export const removeSigningKeyRoute = (ctx: Context): Handler =>
  rolloverStep(ctx, async (a, keyId) => {
    const key = await removeSigningKey(ctx, {
      organizationId: a.organization.id,
      actorUserId: a.user.id,
      keyId,
    });
    return key.status === 'next'
      ? 'Discarded the new signing key.'
      : 'Removed the previous signing key: the SP metadata no longer lists it.';
  });

/**
 * GET `/settings/:org/auth/signing-keys/:keyId/certificate/`: the key's certificate as a `.cer` file in
 * Base64 (PEM), as Entra's "Certificate (Base64)", for an IdP that takes a certificate rather than the
 * metadata. Only the certificate, never the key.
 */
export function downloadSigningCertificate(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const keyId = (request.params as Params).keyId;
    const key = (await listSpSigningKeys(ctx.db, a.organization.id)).find((k) => k.id === keyId);
    if (!key) throw notFound('signing key');
    const certificate = parseCertificate(key.certificatePem);
    const name = `${a.organization.slug}-sp-signing-${key.status}-${certificate.sha256.slice(0, 8)}.cer`;
    return reply
      .type('application/pkix-cert')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(certificate.pem);
  };
}
