/**
 * A same-origin relative path, or null (security baseline 10: a RelayState or `next` is only ever a
 * path on this site; anything else, such as `//evil.example`, `/\evil.example`, `https://…` or
 * `javascript:`, is refused). The result is the normalised path with its query.
 *
 * @example
 * safeNextPath('/organizations/acme/', base); // '/organizations/acme/'
 * safeNextPath('//evil.example/', base);      // null
 */
export function safeNextPath(value: string | null | undefined, baseUrl: string): string | null {
  if (!value || value.length > 1024) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return null;
  }
  let url: URL;
  try {
    url = new URL(value, baseUrl);
  } catch {
    return null;
  }
  if (url.origin !== new URL(baseUrl).origin) return null;
  return `${url.pathname}${url.search}`;
}
