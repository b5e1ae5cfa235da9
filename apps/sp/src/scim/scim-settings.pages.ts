import { card, copyField, facts, hiddenCsrf, html, type SafeHtml } from '@federa/kit';
import { submitButton } from '../web/page.ts';

// The SCIM card of Org Settings › Auth, and the page that shows a new token once.

export function scimCard(input: {
  csrf: string;
  slug: string;
  baseUrl: string;
  enabledAt: string | null;
}): SafeHtml {
  const action = `/settings/${input.slug}/auth/scim`;
  if (!input.enabledAt) {
    return card(
      'Automatic provisioning (SCIM)',
      html`<p>Let your identity provider add, suspend and remove members and keep teams in step with its groups (in Entra: the application's <em>Provisioning</em> page, mode Automatic). While SCIM is on, members come only from the directory: signing in through SSO no longer makes new members, and a member the directory unassigns loses access at once.</p>
<form method="post" action="${action}/enable/">${hiddenCsrf(input.csrf)}<div class="actions">${submitButton('Enable SCIM')}</div></form>`,
    );
  }
  return card(
    'Automatic provisioning (SCIM)',
    html`${facts([
      ['Status', html`<span class="badge ok">Enabled</span>`],
      ['Token made', input.enabledAt.replace('T', ' ').slice(0, 19)],
    ])}
${copyField('SCIM Base URL (Tenant URL)', 'scim-base-url', input.baseUrl)}
<p>The token was shown once, when it was made. If it is lost, regenerate it: the old one stops working at once, so paste the new one into your identity provider (Entra: Admin Credentials › Secret Token).</p>
<form method="post" action="${action}/enable/" class="inline">${hiddenCsrf(input.csrf)}${submitButton('Regenerate token', 'secondary')}</form>
<form method="post" action="${action}/disable/" class="inline">${hiddenCsrf(input.csrf)}${submitButton('Disable SCIM', 'danger')}</form>`,
  );
}

export function scimTokenBody(input: { slug: string; baseUrl: string; token: string }): SafeHtml {
  return card(
    'SCIM is enabled: copy the token now',
    html`<p role="status"><strong>This token is shown only now.</strong> The Workspace keeps only a hash of it. Give both values to your identity provider (Entra: the application's Provisioning page, Admin Credentials).</p>
${copyField('Tenant URL (SCIM Base URL)', 'scim-base-url', input.baseUrl)}
${copyField('Secret Token', 'scim-token', input.token)}
<div class="actions"><a class="button" href="/settings/${input.slug}/auth/">Done</a></div>`,
  );
}
