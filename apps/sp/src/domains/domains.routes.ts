import { csrfToken, getSession } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { text, ValidationError } from '../validation.ts';
import { type OrgAccess, orgPageAccess } from '../web/access.ts';
import { setFlash } from '../web/auth-state.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { txtLookup } from './dns-txt.ts';
import { domainsBody } from './domains.pages.ts';
import { listDomains } from './domains.repository.ts';
import { addDomain, removeDomain, verifyDomain } from './domains.service.ts';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = { org: string; id?: string };

// Owners and managers, as for the rest of the auth settings.
const access = (request: FastifyRequest, reply: FastifyReply, ctx: Context) =>
  orgPageAccess(request, reply, ctx, (request.params as Params).org, {
    permission: 'auth:write',
    ownerMayBypassSso: true,
  });

const pagePath = (a: OrgAccess) => `/settings/${a.organization.slug}/domains/`;

async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  a: OrgAccess,
  form: { value: string; errors: Record<string, string>; status?: number } = { value: '', errors: {} },
) {
  return sendPage(request, reply, ctx, {
    title: 'Verified domains',
    org: { organization: a.organization, role: a.role },
    active: 'domains',
    status: form.status,
    breadcrumbs: [
      { href: `/organizations/${a.organization.slug}/`, label: a.organization.name },
      { label: 'Verified domains' },
    ],
    body: domainsBody({
      csrf: await csrfToken(request),
      organization: a.organization,
      domains: await listDomains(ctx.db, a.organization.id),
      value: form.value,
      errors: form.errors,
    }),
  });
}

export function domainsPage(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    return a ? render(request, reply, ctx, a) : reply;
  };
}

export function addDomainRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const value = text(request.body, 'domain');
    try {
      const added = await addDomain(ctx.db, ctx.clock, {
        organization: a.organization,
        domain: value,
        actorUserId: a.user.id,
      });
      setFlash(
        await getSession(request),
        'info',
        `Added ${added.domain}: publish its TXT record, then verify it.`,
      );
      return seeOther(reply, pagePath(a));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(request, reply, ctx, a, { value, errors: error.fields, status: 400 });
    }
  };
}

export function verifyDomainRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const outcome = await verifyDomain(ctx.db, ctx.clock, txtLookup(ctx.config.dnsServers), {
      organization: a.organization,
      domainId: (request.params as Params).id ?? '',
      actorUserId: a.user.id,
    });
    const session = await getSession(request);
    if (outcome.kind === 'verified') setFlash(session, 'success', 'Domain verified.');
    else if (outcome.kind === 'not-found') {
      setFlash(
        session,
        'error',
        `No TXT record ${outcome.name} with the value ${outcome.value} was found. Check the record at your DNS provider, wait a few minutes, and verify again.`,
      );
    } else if (outcome.kind === 'taken') {
      setFlash(
        session,
        'error',
        'Another organization has already verified this domain. A domain can be verified by one organization only; contact Federa Workspace support if it should be yours.',
      );
    } else {
      request.log.warn({ dnsCode: outcome.dnsCode }, 'domain verification: DNS lookup failed');
      setFlash(
        session,
        'error',
        `The DNS lookup failed (${outcome.dnsCode}). Try again in a few minutes; if it keeps failing, ask the Workspace’s operator to check SP_DNS_SERVERS.`,
      );
    }
    return seeOther(reply, pagePath(a));
  };
}

export function removeDomainRoute(ctx: Context): Handler {
  return async (request, reply) => {
    const a = await access(request, reply, ctx);
    if (!a) return reply;
    const removed = await removeDomain(ctx.db, ctx.clock, {
      organization: a.organization,
      domainId: (request.params as Params).id ?? '',
      actorUserId: a.user.id,
    });
    setFlash(await getSession(request), 'success', `Removed ${removed.domain}.`);
    return seeOther(reply, pagePath(a));
  };
}
