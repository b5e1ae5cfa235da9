import { field, hiddenCsrf, html, raw, type SafeHtml } from '@federa/kit';
import { renderSVG } from 'uqr';
import { totpKeyText, totpUri } from './totp.ts';

/**
 * Adding an authenticator app: the QR code of the `otpauth://` URI (issuer = the tenant's name, account
 * = the UPN), the key as text for typing in, and the first code to confirm.
 */
export function totpEnrolForm(options: {
  action: string;
  csrf: string;
  issuer: string;
  account: string;
  key: Uint8Array;
  error?: string | null;
  hidden?: Record<string, string>;
  cancelHref?: string;
}): SafeHtml {
  const uri = totpUri(options.issuer, options.account, options.key);
  // uqr builds the SVG from the QR matrix alone (rects and a path of numbers): nothing of ours is in it.
  const svg = renderSVG(uri, { pixelSize: 5, border: 2 }).replace('<svg ', '<svg width="200" height="200" ');
  return html`<section class="card totp-enrol" aria-labelledby="totp-enrol-title">
<h2 id="totp-enrol-title">Set up your authenticator app</h2>
<ol>
<li>Install an authenticator app on your phone (Microsoft Authenticator, Google Authenticator, or any app for time-based codes).</li>
<li>In the app, add an account, choose “Other (Google, Facebook, etc.)” or “Scan a QR code”, and scan this image.</li>
</ol>
<figure class="qr" role="img" aria-label="QR code to scan with your authenticator app">${raw(svg)}</figure>
<details class="totp-secret"><summary>Can’t scan image?</summary>
<p>Enter these into the app:</p>
<dl class="facts"><dt>Account name</dt><dd>${options.issuer}: ${options.account}</dd>
<dt>Secret key</dt><dd><code id="totp-secret">${totpKeyText(options.key)}</code></dd></dl>
</details>
<form method="post" action="${options.action}" novalidate>
${hiddenCsrf(options.csrf)}
${Object.entries(options.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${field({ label: 'Enter the 6-digit code shown in the app', name: 'otc', required: true, autocomplete: 'one-time-code', placeholder: '123456', error: options.error ?? null })}
<div class="actions"><button type="submit">Next</button>${options.cancelHref ? html` <a class="button secondary" href="${options.cancelHref}">Cancel</a>` : null}</div>
</form>
</section>`;
}
