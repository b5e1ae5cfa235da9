import type { Application } from '../applications/applications.repository.ts';
import { findTemplate, sentryScimUrl } from '../applications/gallery.ts';

// A gallery application comes with its provisioning preconfigured: the Tenant URL's pattern, and for
// Sentry the URL itself, read off the Identifier its Basic SAML Configuration already holds
// (`{host}/saml/metadata/{org}/` → `{host}/api/0/organizations/{org}/scim/v2/`).

export function tenantUrlPattern(app: Pick<Application, 'galleryTemplate'>): string | null {
  return findTemplate(app.galleryTemplate)?.provisioning?.tenantUrlPattern ?? null;
}

export function suggestedTenantUrl(app: Pick<Application, 'galleryTemplate' | 'identifiers'>): string | null {
  if (!tenantUrlPattern(app)) return null;
  for (const { identifier } of app.identifiers) {
    const match = /^(https?:\/\/[^/]+)\/saml\/metadata\/([^/]+)\/$/.exec(identifier);
    if (match) return sentryScimUrl(match[1]!, match[2]!);
  }
  return null;
}
