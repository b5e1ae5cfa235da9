import { card, html } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { signInSections } from './sign-in-detail.sections.ts';
import { findSignInLog } from './sign-in-logs.repository.ts';

// One sign-in's details on a page of its own: the deep link, and the phone's form of the pane that
// opens beside the list (sign-in-pane.ts) on a wide screen. Entra's tabs, here one card each.

/** GET `/portal/sign-ins/:id`. */
export async function signInDetailPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const entry = await findSignInLog(deps.db, admin.tenant.id, (request.params as { id: string }).id);
  if (!entry) throw notFound('The sign-in');
  const body = html`${signInSections(entry).map((section) => html`${card(section.title, section.body)}\n`)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Sign-in details',
    active: 'sign-ins',
    body,
    breadcrumbs: [{ href: '/portal/sign-ins', label: 'Sign-in logs' }, { label: 'Details' }],
  });
}
