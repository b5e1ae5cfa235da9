import { type ConfirmationOptions, confirmation, isConfirmed } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { type AdminContext, done, type NavKey, requireAdmin, sendPortalPage } from './portal.ts';

type Handler = (deps: Deps, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Params = Record<string, string | undefined>;

/** The confirmation page of one action: where it sits in the portal, and what it asks. */
export interface Confirm extends Omit<ConfirmationOptions, 'csrf' | 'action'> {
  title: string;
  active: NavKey;
  breadcrumbs: ReadonlyArray<{ href?: string; label: string }>;
}

/**
 * A destructive portal action in two steps, both at the action's own path: GET shows what goes and
 * what follows, with the destructive button; POST with `confirm=yes` (that button) acts and redirects
 * with a message. A POST without it (a page from before, a stray form) acts on nothing and shows the
 * confirmation instead, so nothing is ever removed by one click.
 */
export function confirmedAction<T>(spec: {
  load: (deps: Deps, admin: AdminContext, params: Params) => Promise<T>;
  confirm: (deps: Deps, admin: AdminContext, thing: T) => Promise<Confirm>;
  act: (deps: Deps, admin: AdminContext, thing: T) => Promise<{ location: string; message: string }>;
}): { page: Handler; submit: Handler } {
  const show = async (
    deps: Deps,
    request: FastifyRequest,
    reply: FastifyReply,
    admin: AdminContext,
    thing: T,
  ) => {
    const { title, active, breadcrumbs, ...ask } = await spec.confirm(deps, admin, thing);
    const action = request.url.split('?')[0] ?? request.url;
    return sendPortalPage(request, reply, admin, {
      title,
      active,
      breadcrumbs,
      body: confirmation({ ...ask, action, csrf: admin.csrf }),
    });
  };
  return {
    page: async (deps, request, reply) => {
      const admin = await requireAdmin(deps, request, reply);
      if (!admin) return reply;
      return show(deps, request, reply, admin, await spec.load(deps, admin, request.params as Params));
    },
    submit: async (deps, request, reply) => {
      const admin = await requireAdmin(deps, request, reply);
      if (!admin) return reply;
      const thing = await spec.load(deps, admin, request.params as Params);
      if (!isConfirmed(request.body)) return show(deps, request, reply, admin, thing);
      const { location, message } = await spec.act(deps, admin, thing);
      return done(request, reply, location, message);
    },
  };
}
