import { card, confirmLink, field, hiddenCsrf, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../context.ts';
import { idpError, notFound } from '../errors.ts';
import { attempt, formOf, yes } from '../http/forms.ts';
import { checkboxField, formatTime, textareaField } from '../http/inputs.ts';
import { confirmedAction } from '../portal/confirm.ts';
import { type AdminContext, done, requireAdmin, sendPortalPage } from '../portal/portal.ts';
import { findNamedLocation, listNamedLocations } from './conditional-access.repository.ts';
import {
  createNamedLocation,
  deleteNamedLocation,
  patchNamedLocation,
  policiesUsingLocation,
} from './conditional-access.service.ts';
import { IP_NAMED_LOCATION } from './named-location.ts';
import { caCrumbs, caLinks } from './policies.routes.ts';

// Conditional Access › Named locations: IP ranges locations, trusted or not.

const LIST = '/portal/conditional-access/named-locations';

/** GET `/portal/conditional-access/named-locations`. */
export async function namedLocationsPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const locations = await listNamedLocations(deps.db, admin.tenant.id);
  const body = html`${caLinks('locations')}
<div class="actions"><a class="button" href="${LIST}/new">IP ranges location</a></div>
${card(
  null,
  table(
    ['Name', 'Location type', 'Trusted', 'IP ranges', 'Modified'],
    locations.map((l) => [
      html`<a href="${LIST}/${l.id}">${l.displayName}</a>`,
      'IP ranges',
      l.isTrusted ? 'Yes' : 'No',
      html`${l.ipRanges.map((r) => html`<code>${r.cidrAddress}</code><br>`)}`,
      formatTime(l.modifiedDateTime ?? l.createdDateTime),
    ]),
    'No named locations yet. Add your office’s network as a trusted IP ranges location.',
  ),
)}`;
  return sendPortalPage(request, reply, admin, {
    title: 'Conditional Access | Named locations',
    active: 'conditional-access',
    body,
    breadcrumbs: caCrumbs([{ label: 'Named locations' }]),
  });
}

/** The form's fields as Graph's ipNamedLocation JSON: one CIDR range a line. */
function bodyOf(form: Record<string, string>) {
  return {
    '@odata.type': IP_NAMED_LOCATION,
    displayName: form.displayName ?? '',
    isTrusted: yes(form.isTrusted),
    ipRanges: (form.ipRanges ?? '')
      .split(/[\r\n,]+/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((cidrAddress) => ({ cidrAddress })),
  };
}

/** Field errors from the service (`ipRanges[2].cidrAddress`) beside the one textarea. */
function rangeErrors(errors: Record<string, string>): string | null {
  const messages = Object.entries(errors)
    .filter(([key]) => key.startsWith('ipRanges'))
    .map(([, message]) => message);
  return messages.length > 0 ? messages.join(' ') : null;
}

async function sendForm(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: AdminContext,
  page: { id: string | null; name: string; values: Record<string, string>; errors: Record<string, string> },
) {
  const action = page.id ? `${LIST}/${page.id}` : LIST;
  const body = html`${page.id ? html`<div class="actions">${confirmLink(`${LIST}/${page.id}/delete`, 'Delete')}</div>` : null}
<form method="post" action="${action}" class="card" novalidate>
${hiddenCsrf(admin.csrf)}
${field({ label: 'Name', name: 'displayName', value: page.values.displayName ?? '', required: true, placeholder: 'Contoso office', error: page.errors.displayName })}
${textareaField({ label: 'IP ranges (CIDR, one a line)', name: 'ipRanges', value: page.values.ipRanges ?? '', rows: 5, hint: 'IPv4 or IPv6, e.g. 203.0.113.0/24, 198.51.100.7/32 or 2001:db8::/48.', error: rangeErrors(page.errors) })}
${checkboxField({ label: 'Mark as trusted location', name: 'isTrusted', checked: yes(page.values.isTrusted), hint: 'Policies can include or exclude “All trusted networks and locations”.' })}
${page.errors.id ? html`<p class="error">${page.errors.id}</p>` : null}
<div class="actions"><button type="submit">${page.id ? 'Save' : 'Create'}</button> <a class="button secondary" href="${LIST}">Cancel</a></div>
</form>`;
  return sendPortalPage(request, reply, admin, {
    title: page.name,
    active: 'conditional-access',
    body,
    breadcrumbs: caCrumbs([{ href: LIST, label: 'Named locations' }, { label: page.name }]),
    status: Object.keys(page.errors).length > 0 ? 400 : 200,
  });
}

/** GET `/portal/conditional-access/named-locations/new`. */
export async function newNamedLocationPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  return sendForm(request, reply, admin, {
    id: null,
    name: 'New IP ranges location',
    values: {},
    errors: {},
  });
}

/** POST `/portal/conditional-access/named-locations`. */
export async function createNamedLocationSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const form = formOf(request);
  const result = await attempt(() => createNamedLocation(deps, admin.actor, admin.tenant.id, bodyOf(form)));
  if (!result.ok) {
    return sendForm(request, reply, admin, {
      id: null,
      name: 'New IP ranges location',
      values: form,
      errors: result.errors,
    });
  }
  return done(request, reply, LIST, `Created the named location ${result.value.displayName}.`);
}

/** GET `/portal/conditional-access/named-locations/:id`. */
export async function editNamedLocationPage(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const location = await findNamedLocation(deps.db, admin.tenant.id, (request.params as { id: string }).id);
  if (!location) throw notFound('The named location');
  return sendForm(request, reply, admin, {
    id: location.id,
    name: location.displayName,
    values: {
      displayName: location.displayName,
      ipRanges: location.ipRanges.map((r) => r.cidrAddress).join('\n'),
      isTrusted: location.isTrusted ? 'on' : '',
    },
    errors: {},
  });
}

/** POST `/portal/conditional-access/named-locations/:id`. */
export async function editNamedLocationSubmit(deps: Deps, request: FastifyRequest, reply: FastifyReply) {
  const admin = await requireAdmin(deps, request, reply);
  if (!admin) return reply;
  const location = await findNamedLocation(deps.db, admin.tenant.id, (request.params as { id: string }).id);
  if (!location) throw notFound('The named location');
  const form = formOf(request);
  const result = await attempt(() =>
    patchNamedLocation(deps, admin.actor, admin.tenant.id, location.id, bodyOf(form)),
  );
  if (!result.ok) {
    return sendForm(request, reply, admin, {
      id: location.id,
      name: location.displayName,
      values: form,
      errors: result.errors,
    });
  }
  return done(request, reply, LIST, `Saved the named location ${result.value.displayName}.`);
}

/** GET / POST `/portal/conditional-access/named-locations/:id/delete`. */
export const deleteNamedLocationAction = confirmedAction({
  load: async (deps, admin, params) => {
    const location = await findNamedLocation(deps.db, admin.tenant.id, params.id ?? '');
    if (!location) throw notFound('The named location');
    return location;
  },
  confirm: async (deps, admin, location) => {
    const users = await policiesUsingLocation(deps.db, admin.tenant.id, location.id);
    return {
      title: `Delete ${location.displayName}`,
      active: 'conditional-access',
      breadcrumbs: caCrumbs([{ href: LIST, label: 'Named locations' }, { label: location.displayName }]),
      question: `Delete the named location ${location.displayName}?`,
      consequences: [
        users.length > 0
          ? `It cannot be deleted while the policy ${users.map((p) => p.displayName).join(', ')} names it: remove it there first.`
          : 'No policy names it.',
        'A deleted location cannot be restored.',
      ],
      confirmLabel: `Delete ${location.displayName}`,
      cancelHref: `${LIST}/${location.id}`,
    };
  },
  act: async (deps, admin, location) => {
    const users = await policiesUsingLocation(deps.db, admin.tenant.id, location.id);
    if (users.length > 0) {
      throw idpError(
        'conflict',
        409,
        `${location.displayName} is used by the policy ${users.map((p) => p.displayName).join(', ')}: remove it from the policy’s locations first.`,
      );
    }
    await deleteNamedLocation(deps, admin.actor, admin.tenant.id, location.id);
    return { location: LIST, message: `Deleted the named location ${location.displayName}.` };
  },
});
