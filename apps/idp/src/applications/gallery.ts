import { urlProblem } from './basic-saml.ts';

/** A field the admin fills in when adding an application from the gallery. */
export interface GalleryField {
  name: 'organizationSlug' | 'host';
  label: string;
  hint: string;
  placeholder: string;
}

export interface GalleryTemplate {
  id: string;
  name: string;
  publisher: string;
  description: string;
  /** Shown on the Basic SAML Configuration form as Entra shows the patterns. */
  patterns: { identifier: string; replyUrl: string; signOnUrl: string } | null;
  fields: readonly GalleryField[];
  /** Automatic provisioning (SCIM): the Tenant URL's pattern shown on the Provisioning blade. */
  provisioning?: { tenantUrlPattern: string };
  /** The Basic SAML Configuration filled in from the fields (already validated). */
  configure(
    values: Record<string, string>,
  ): { identifier: string; replyUrl: string; signOnUrl: string } | null;
}

const SLUG_FIELD: GalleryField = {
  name: 'organizationSlug',
  label: 'Organization slug',
  hint: 'The short name in your organization’s URLs, e.g. acme in https://sentry.io/organizations/acme/.',
  placeholder: 'acme',
};

const SENTRY_DESCRIPTION =
  'Application monitoring and error tracking. Supports SP- and IdP-initiated SSO and just-in-time user provisioning.';

function sentryUrls(base: string, slug: string) {
  return {
    identifier: `${base}/saml/metadata/${slug}/`,
    replyUrl: `${base}/saml/acs/${slug}/`,
    signOnUrl: `${base}/organizations/${slug}/`,
  };
}

/** Sentry's SCIM base URL (Org Settings › Auth › Enable SCIM): the Tenant URL of its provisioning. */
export function sentryScimUrl(base: string, slug: string): string {
  return `${base}/api/0/organizations/${slug}/scim/v2/`;
}

/** The application gallery: what "New application" offers. */
export const GALLERY: readonly GalleryTemplate[] = [
  {
    id: 'sentry',
    name: 'Sentry',
    publisher: 'Functional Software, Inc.',
    description: SENTRY_DESCRIPTION,
    patterns: sentryUrls('https://sentry.io', '<ORGANIZATION_SLUG>'),
    provisioning: { tenantUrlPattern: sentryScimUrl('https://sentry.io', '<ORGANIZATION_SLUG>') },
    fields: [SLUG_FIELD],
    configure: (values) => sentryUrls('https://sentry.io', values.organizationSlug!),
  },
  {
    id: 'sentry-self-hosted',
    name: 'Sentry (self-hosted)',
    publisher: 'Functional Software, Inc.',
    description: `${SENTRY_DESCRIPTION} For a Sentry you run yourself (or Federa Workspace), at the address you enter.`,
    patterns: sentryUrls('https://<SENTRY_HOST>', '<ORGANIZATION_SLUG>'),
    provisioning: { tenantUrlPattern: sentryScimUrl('https://<SENTRY_HOST>', '<ORGANIZATION_SLUG>') },
    fields: [
      {
        name: 'host',
        label: 'Sentry URL',
        hint: 'Where your Sentry runs, with its scheme: e.g. http://localhost:5000, the local Federa Workspace’s default address.',
        placeholder: 'http://localhost:5000',
      },
      SLUG_FIELD,
    ],
    configure: (values) => sentryUrls(values.host!.replace(/\/+$/, ''), values.organizationSlug!),
  },
  {
    id: 'custom',
    name: 'Create your own application',
    publisher: 'Non-gallery',
    description:
      'Integrate any other application that supports SAML 2.0 and that you don’t find in the gallery.',
    patterns: null,
    fields: [],
    configure: () => null,
  },
];

export function findTemplate(id: string): GalleryTemplate | null {
  return GALLERY.find((t) => t.id === id) ?? null;
}

export function searchGallery(query: string): GalleryTemplate[] {
  const term = query.trim().toLowerCase();
  if (!term) return [...GALLERY];
  return GALLERY.filter(
    (t) =>
      t.name.toLowerCase().includes(term) || t.description.toLowerCase().includes(term) || t.id === 'custom',
  );
}

const SLUG = /^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$/;

/** Checks the template's fields; returns field → problem. */
export function galleryFieldProblems(
  template: GalleryTemplate,
  values: Record<string, string>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of template.fields) {
    const value = (values[field.name] ?? '').trim();
    if (field.name === 'organizationSlug') {
      if (value === '') problems[field.name] = 'Enter the organization slug, e.g. acme.';
      else if (!SLUG.test(value)) {
        problems[field.name] = 'A slug uses lower-case letters, digits, hyphens and underscores (up to 50).';
      }
    }
    if (field.name === 'host') {
      if (value === '')
        problems[field.name] = 'Enter the address of your Sentry, e.g. http://localhost:5000.';
      else if (!value.includes('://')) {
        // `localhost:5300` parses as a URL of scheme "localhost:": say what to type instead.
        const scheme = /^(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/i.test(value) ? 'http' : 'https';
        problems[field.name] = `Start the Sentry URL with its scheme: ${scheme}://${value}.`;
      } else {
        const problem = urlProblem(value, 'Sentry URL');
        if (problem) problems[field.name] = problem;
        else if (/[?]/.test(value)) problems[field.name] = 'The Sentry URL cannot have a query string.';
      }
    }
  }
  return problems;
}
