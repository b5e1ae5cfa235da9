import { domainToASCII } from 'node:url';

// Domain names as the Workspace compares them: IDNA's ASCII form (punycode), lower-case, without a
// trailing dot. A look-alike written with other scripts (Cyrillic "а" for Latin "a") has another ASCII
// form, so it is another domain: it never matches the domain an organization verified.

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The ASCII form of a domain typed by an admin, or null when it is not a domain name one can own. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '' || trimmed.length > 253 || /[/:@\s]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  // A registrable name: at least two labels, and a top-level label that is not all digits (an address).
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  if (/^[0-9]+$/.test(labels.at(-1)!)) return null;
  return ascii;
}

/** The ASCII domain of an email address (after its last `@`), or null. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at < 0 ? null : normalizeDomain(email.slice(at + 1));
}
