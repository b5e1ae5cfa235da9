import { card, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import { parseCertificate } from '@federa/saml';
import { submitButton } from '../web/page.ts';
import type { SpSigningKey, SpSigningKeyStatus } from './sp-signing-keys.repository.ts';

// The "SP signing keys" card of Org Settings › Auth: the keys the SP metadata publishes, with the
// rollover's three buttons (as the Directory's SAML Signing Certificate page, and Entra's).

const STATUS: Record<SpSigningKeyStatus, SafeHtml> = {
  active: html`<span class="badge ok">Active</span>`,
  next: html`<span class="badge">Next (published, not signing yet)</span>`,
  previous: html`<span class="badge">Previous (published until removed)</span>`,
};

export const signingKeysBase = (slug: string) => `/settings/${slug}/auth/signing-keys`;

export function signingKeysCard(input: {
  csrf: string;
  slug: string;
  keys: readonly SpSigningKey[];
  /** Whether this organization's requests are signed (else the metadata publishes no key). */
  signing: boolean;
}): SafeHtml {
  const base = signingKeysBase(input.slug);
  const button = (key: SpSigningKey, action: string, label: string, kind: 'primary' | 'secondary') =>
    html`<form method="post" action="${base}/${key.id}/${action}/" class="inline">${hiddenCsrf(input.csrf)}${submitButton(label, kind)}</form>`;
  const rows = input.keys.map((key) => {
    const certificate = parseCertificate(key.certificatePem);
    return [
      STATUS[key.status],
      html`<code>${certificate.sha256}</code>`,
      certificate.notAfter.toISOString().slice(0, 10),
      html`<a href="${base}/${key.id}/certificate/" download aria-label="Download the ${key.status} key’s certificate (Base64)">Certificate (Base64)</a>`,
      key.status === 'next'
        ? html`${button(key, 'use', 'Use the new key', 'primary')} ${button(key, 'remove', 'Discard', 'secondary')}`
        : key.status === 'previous'
          ? button(key, 'remove', 'Remove', 'secondary')
          : '',
    ];
  });
  const waiting = input.keys.some((k) => k.status === 'next');
  return card(
    'SP signing keys',
    html`<p class="hint">The Workspace signs this organization’s requests with the active key${input.signing ? '' : ' (when “Sign authentication requests” is on or the IdP requires it; until then the SP metadata publishes no key)'}. To change it without breaking sign-in: make a new key, which the SP metadata publishes beside the active one; let the IdP read the metadata again (or upload the new certificate there); then use the new key. The old one stays published as previous until you remove it.</p>
${table(['Status', 'Thumbprint (SHA-256)', 'Expires', 'Download', ''], rows, 'No signing key yet: one is made when requests are first signed, or with “New signing key”.')}
${waiting ? null : html`<form method="post" action="${base}/" class="inline">${hiddenCsrf(input.csrf)}${submitButton('New signing key', 'secondary')}</form>`}`,
  );
}
