import type { SafeHtml } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AdminContext, sendPortalPage } from '../portal/portal.ts';
import type { Application } from './applications.repository.ts';

export type AppSection = 'overview' | 'properties' | 'users' | 'sso' | 'provisioning' | 'sign-ins';

/** A page of one enterprise application, with Entra's "Manage" sub-navigation. */
export function sendApplicationPage(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  app: Pick<Application, 'id' | 'displayName'>,
  options: { title: string; section: AppSection; body: SafeHtml; crumb?: string; status?: number },
): Promise<FastifyReply> {
  const base = `/portal/applications/${app.id}`;
  const subnav = [
    { href: '/portal/applications', label: '‹ All applications' },
    { href: base, label: 'Overview', active: options.section === 'overview' },
    { href: `${base}/properties`, label: 'Properties', active: options.section === 'properties' },
    { href: `${base}/users`, label: 'Users and groups', active: options.section === 'users' },
    { href: `${base}/sso`, label: 'Single sign-on', active: options.section === 'sso' },
    { href: `${base}/provisioning`, label: 'Provisioning', active: options.section === 'provisioning' },
    { href: `/portal/sign-ins?app=${app.id}`, label: 'Sign-in logs', active: options.section === 'sign-ins' },
  ];
  return sendPortalPage(request, reply, admin, {
    title: options.title,
    active: 'applications',
    subnav,
    body: options.body,
    breadcrumbs: [
      { href: '/portal/applications', label: 'Enterprise applications' },
      { href: base, label: app.displayName },
      ...(options.crumb ? [{ label: options.crumb }] : []),
    ],
    status: options.status,
  });
}
