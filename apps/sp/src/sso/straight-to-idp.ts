import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import type { Provider } from '../providers/providers.repository.ts';
import { startSso } from './start.ts';

// "Send members straight to the identity provider": a signed-out person who opens one of the
// organization's pages (the Sign-on URL a My Apps tile opens, a bookmark) starts SP-initiated SSO at
// once and comes back to that page, as Entra's SP-mode tile expects, instead of meeting the login
// page's "Continue with …" button.
//
// Why a GET may start a sign-in here (login CSRF): what the POST's CSRF token protected is that no
// other site chooses WHO this browser signs in as. A start does not choose that: it records a pending
// AuthnRequest with a fresh random ID, bound to this browser's SameSite=None key (browser-binding.ts),
// and sends the browser to the organization's own IdP, where the person signs in as themselves (or is
// already signed in). The ACS accepts only a response whose InResponseTo is a request pending for the
// same browser, and the request ID travels only in the redirect to the IdP, which another site cannot
// read; so a site that makes this browser open the page cannot get a response of its own choosing
// accepted here. At worst it signs the person in as themselves, which the tile does anyway.
// (IdP-initiated responses are a separate question, answered by "Allow IdP-initiated sign-in".) What
// a GET start adds is pending rows; only a top-level navigation starts one (not an image, a frame, a
// fetch or a prefetch), and rows expire as any start's do.

/** The setting's name, as the settings page and the docs show it. */
export const SEND_TO_IDP_SETTING = 'Send members straight to the identity provider';

/** Whether signed-out people who open the organization's pages go straight to its IdP. */
export function sendsStraightToIdp(provider: Provider | null): provider is Provider {
  // A provider whose setup is not finished sends nobody to the IdP (a mistake cannot lock anyone out).
  return provider?.status === 'active' && (provider.sendToIdp || provider.requireSso);
}

/**
 * Whether the request is a top-level page navigation. Fetch Metadata headers are sent by current
 * browsers; a client that sends none (an older browser, a script) is taken at its word.
 */
export function isTopLevelNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };
  const dest = header('sec-fetch-dest');
  const mode = header('sec-fetch-mode');
  if (dest !== undefined && dest !== 'document') return false;
  if (mode !== undefined && mode !== 'navigate') return false;
  // Chromium's prefetch and prerender (Sec-Purpose), and older prefetchers (Purpose).
  if (header('sec-purpose')?.includes('prefetch') || header('purpose')?.includes('prefetch')) return false;
  return true;
}

/** Starts the sign-in this page's visitor would have started with the login page's button. */
export function startSsoForPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Context,
  input: { organization: Organization; provider: Provider; nextPath: string },
): Promise<FastifyReply> {
  return startSso(request, reply, ctx, { ...input, purpose: 'login', userId: null });
}
