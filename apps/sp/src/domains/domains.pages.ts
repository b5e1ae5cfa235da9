import { card, copyField, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import type { Organization } from '../organizations/organizations.repository.ts';
import type { FieldErrors } from '../validation.ts';
import { verificationRecord } from './dns-txt.ts';
import type { OrganizationDomain } from './domains.repository.ts';

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

function status(d: OrganizationDomain): SafeHtml {
  if (d.verifiedAt) return html`<span class="badge ok">Verified ${when(d.verifiedAt)}</span>`;
  if (d.checkError) return html`<span class="badge bad">Not verified: ${d.checkError}</span>`;
  return html`<span class="badge">Not verified yet</span>`;
}

function pendingRecord(csrf: string, base: string, d: OrganizationDomain): SafeHtml {
  const record = verificationRecord(d.domain, d.token);
  return card(
    `Verify ${d.domain}`,
    html`<p>At your DNS provider, add this TXT record to <strong>${d.domain}</strong>, then choose <em>Verify</em>. DNS changes can take a few minutes to be seen.</p>
${copyField('Name (host)', `txt-name-${d.id}`, record.name)}
${copyField('Value', `txt-value-${d.id}`, record.value)}
<form method="post" action="${base}${d.id}/verify/">${hiddenCsrf(csrf)}<div class="actions"><button type="submit">Verify</button></div></form>`,
  );
}

export function domainsBody(input: {
  csrf: string;
  organization: Organization;
  domains: OrganizationDomain[];
  value: string;
  errors: FieldErrors;
}): SafeHtml {
  const base = `/settings/${input.organization.slug}/domains/`;
  return html`${card(
    null,
    html`<p>An email address your identity provider sends is its word, not proof. Once ${input.organization.name} proves it runs a domain, by a DNS record only the domain’s owner can publish, sign-ins through its identity provider may create and link Workspace accounts for that domain’s addresses. For any other address, a sign-in makes an account for ${input.organization.name} only, which reserves the address nowhere else and can never be linked from another organization.</p>`,
  )}
${card(
  'Domains',
  table(
    ['Domain', 'Status', ''],
    input.domains.map((d) => [
      html`<code>${d.domain}</code>`,
      status(d),
      html`<form method="post" action="${base}${d.id}/remove/">${hiddenCsrf(input.csrf)}<button type="submit" class="danger">Remove</button></form>`,
    ]),
    'No domains yet.',
  ),
)}
${input.domains.filter((d) => !d.verifiedAt).map((d) => pendingRecord(input.csrf, base, d))}
${card(
  'Add a domain',
  html`<form method="post" action="${base}" novalidate>${hiddenCsrf(input.csrf)}
${field({ label: 'Domain', name: 'domain', value: input.value, error: input.errors.domain, placeholder: 'contoso.com', hint: 'The part of your people’s email addresses after the @.' })}
<div class="actions"><button type="submit">Add domain</button></div></form>`,
)}`;
}
