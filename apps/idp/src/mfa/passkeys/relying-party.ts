import type { IdpConfig } from '../../config.ts';

/**
 * The WebAuthn relying party is the Directory itself: its RP ID is the host of IDP_BASE_URL (a passkey
 * made here works only on this host, which is what makes it phishing-resistant), and the only origin
 * it accepts a response from is IDP_BASE_URL's.
 */
export function relyingParty(config: Pick<IdpConfig, 'baseUrl'>): {
  id: string;
  origin: string;
  name: string;
} {
  const url = new URL(config.baseUrl);
  return { id: url.hostname, origin: url.origin, name: 'Federa Directory' };
}
