import { isLoopback } from '../config.ts';
import { FieldErrors } from '../errors.ts';
import type { Identifier, ReplyUrl } from './applications.repository.ts';

/** The Basic SAML Configuration section as an admin fills it in. */
export interface BasicSamlInput {
  identifiers: ReadonlyArray<{ identifier: string; isDefault: boolean }>;
  replyUrls: ReadonlyArray<{ url: string; index?: string | number | null; isDefault: boolean }>;
  signOnUrl?: string | null;
  relayState?: string | null;
  logoutUrl?: string | null;
}

export interface BasicSaml {
  identifiers: Identifier[];
  replyUrls: ReplyUrl[];
  signOnUrl: string | null;
  relayState: string | null;
  logoutUrl: string | null;
}

// Entra's limits for these fields.
export const MAX_IDENTIFIER = 255;
export const MAX_URL = 256;
export const MAX_RELAY_STATE = 256;

/**
 * Entra's rules for a URL the IdP sends the browser to (Reply, Sign-on, Logout URL): absolute http(s),
 * https unless the host is localhost or 127.0.0.1, no wildcard, no fragment, no user:password@.
 */
export function urlProblem(value: string, what: string): string | null {
  if (value.length > MAX_URL) return `The ${what} can be at most ${MAX_URL} characters.`;
  if (value.includes('*')) return `The ${what} cannot contain a wildcard (*).`;
  if (value.includes('#')) return `The ${what} cannot contain a fragment (#…).`;
  if (/\s/.test(value)) return `The ${what} cannot contain spaces.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `The ${what} must be an absolute URL, e.g. https://sentry.io/saml/acs/acme/.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `The ${what} must start with https:// (or http:// for localhost and 127.0.0.1).`;
  if (url.username || url.password) return `The ${what} cannot carry a user name or password.`;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return `The ${what} must use https (http is allowed only for localhost and 127.0.0.1).`;
  }
  return null;
}

/** An Identifier (entity ID): an absolute URI (https URL, or a URN), same URL rules when http(s). */
export function identifierProblem(value: string): string | null {
  if (value.length > MAX_IDENTIFIER) return `The Identifier can be at most ${MAX_IDENTIFIER} characters.`;
  if (value.includes('*')) return 'The Identifier cannot contain a wildcard (*).';
  if (value.includes('#')) return 'The Identifier cannot contain a fragment (#…).';
  if (/\s/.test(value)) return 'The Identifier cannot contain spaces.';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(value)) {
    return 'The Identifier must be an absolute URI, e.g. https://sentry.io/saml/metadata/acme/ or urn:acme:sentry.';
  }
  if (/^https?:/i.test(value)) return urlProblem(value, 'Identifier');
  return null;
}

function text(value: string | null | undefined): string {
  return (value ?? '').trim();
}

/**
 * Validates and normalizes the Basic SAML Configuration: empty rows are dropped; exactly one default
 * Identifier and Reply URL (the first when none is marked); Reply URL indexes unique whole numbers;
 * each Identifier unique in the tenant (`ownerOf` says which other app uses it). Errors are keyed by
 * form field: `identifier_<row>`, `reply_url_<row>`, `reply_index_<row>`, `identifiers`, `replyUrls`,
 * `signOnUrl`, `relayState`, `logoutUrl`.
 */
export async function validateBasicSaml(
  input: BasicSamlInput,
  ownerOf: (identifier: string) => Promise<string | null>,
): Promise<{ value: BasicSaml; errors: FieldErrors }> {
  const errors = new FieldErrors();
  const identifiers: Identifier[] = [];
  const seen = new Set<string>();
  for (const [row, item] of input.identifiers.entries()) {
    const identifier = text(item.identifier);
    if (identifier === '') continue;
    const problem = identifierProblem(identifier);
    if (problem) errors.add(`identifier_${row}`, problem);
    else if (seen.has(identifier)) errors.add(`identifier_${row}`, 'This Identifier is listed twice.');
    else {
      const owner = await ownerOf(identifier);
      if (owner)
        errors.add(
          `identifier_${row}`,
          `The application ${owner} in this tenant already uses this Identifier.`,
        );
    }
    seen.add(identifier);
    identifiers.push({ identifier, isDefault: item.isDefault });
  }
  if (identifiers.length === 0) errors.add('identifiers', 'Enter at least one Identifier (Entity ID).');

  const replyUrls: ReplyUrl[] = [];
  const indexes = new Set<number>();
  const urls = new Set<string>();
  for (const [row, item] of input.replyUrls.entries()) {
    const url = text(item.url);
    const indexText = text(item.index === null || item.index === undefined ? '' : String(item.index));
    if (url === '') {
      if (indexText !== '')
        errors.add(`reply_url_${row}`, 'Enter the Reply URL for this index, or clear the index.');
      continue;
    }
    const problem = urlProblem(url, 'Reply URL');
    if (problem) errors.add(`reply_url_${row}`, problem);
    else if (urls.has(url)) errors.add(`reply_url_${row}`, 'This Reply URL is listed twice.');
    urls.add(url);
    let index: number | null = null;
    if (indexText !== '') {
      if (!/^\d{1,5}$/.test(indexText) || Number(indexText) > 65535) {
        errors.add(`reply_index_${row}`, 'The index is a whole number from 0 to 65535.');
      } else if (indexes.has(Number(indexText))) {
        errors.add(`reply_index_${row}`, 'Two Reply URLs cannot have the same index.');
      } else {
        index = Number(indexText);
        indexes.add(index);
      }
    }
    replyUrls.push({ url, index, isDefault: item.isDefault });
  }
  if (replyUrls.length === 0) {
    errors.add('replyUrls', 'Enter at least one Reply URL (Assertion Consumer Service URL).');
  }

  const signOnUrl = text(input.signOnUrl) || null;
  if (signOnUrl) {
    const problem = urlProblem(signOnUrl, 'Sign on URL');
    if (problem) errors.add('signOnUrl', problem);
  }
  const logoutUrl = text(input.logoutUrl) || null;
  if (logoutUrl) {
    const problem = urlProblem(logoutUrl, 'Logout URL');
    if (problem) errors.add('logoutUrl', problem);
  }
  const relayState = text(input.relayState) || null;
  if (relayState && relayState.length > MAX_RELAY_STATE) {
    errors.add('relayState', `The Relay State can be at most ${MAX_RELAY_STATE} characters.`);
  } else if (relayState && [...relayState].some((c) => c.charCodeAt(0) < 0x20)) {
    errors.add('relayState', 'The Relay State cannot contain control characters.');
  }

  return {
    value: {
      identifiers: withOneDefault(identifiers),
      replyUrls: withOneDefault(replyUrls),
      signOnUrl,
      relayState,
      logoutUrl,
    },
    errors,
  };
}

/** Exactly one default: the first marked one, else the first. */
export function withOneDefault<T extends { isDefault: boolean }>(items: T[]): T[] {
  const marked = items.findIndex((item) => item.isDefault);
  const chosen = marked === -1 ? 0 : marked;
  return items.map((item, i) => ({ ...item, isDefault: i === chosen }));
}

/** The Reply URL a response goes to when the request names none. */
export function defaultReplyUrl(replyUrls: readonly ReplyUrl[]): ReplyUrl | null {
  return replyUrls.find((r) => r.isDefault) ?? replyUrls[0] ?? null;
}
