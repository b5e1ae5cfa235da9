// Organization slugs, by Sentry's rules: lower-case letters, digits and hyphens, starting with a
// letter or digit and not ending with a hyphen, not all digits, at most 50 characters; and not a word
// that names one of this service's own paths.

export const MAX_SLUG_LENGTH = 50;

const RESERVED = new Set([
  'accept-invite',
  'account',
  'admin',
  'api',
  'assets',
  'auth',
  'dev',
  'healthz',
  'login',
  'logout',
  'metrics',
  'new',
  'organizations',
  'readyz',
  'register',
  'saml',
  'settings',
  'signup',
  'static',
  'www',
]);

/** Why `slug` is not acceptable, or null when it is. */
export function slugProblem(slug: string): string | null {
  if (slug === '') return 'Enter a slug.';
  if (slug.length > MAX_SLUG_LENGTH) return `Use at most ${MAX_SLUG_LENGTH} characters.`;
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(slug)) {
    return 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit.';
  }
  if (/^[0-9]+$/.test(slug)) return 'A slug cannot be only digits.';
  if (RESERVED.has(slug)) return `“${slug}” is reserved; choose another slug.`;
  return null;
}

/** A slug made from an organization name: "Acme, Inc." → "acme-inc". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
}
