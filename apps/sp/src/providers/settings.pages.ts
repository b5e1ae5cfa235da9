import { card, copyField, facts, field, hiddenCsrf, html, type SafeHtml, table } from '@federa/kit';
import { BINDING, parseCertificate } from '@federa/saml';
import { ATTEMPT_COLUMNS, attemptRows } from '../attempts/attempts.pages.ts';
import type { SsoAttempt } from '../attempts/attempts.repository.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import { ROLE_INFO, ROLES } from '../organizations/roles.ts';
import { SEND_TO_IDP_SETTING } from '../sso/straight-to-idp.ts';
import type { SpUrls } from '../sso/urls.ts';
import type { FieldErrors } from '../validation.ts';
import { PROVIDER_LABEL, type Provider, type ProviderKind } from './providers.repository.ts';
import { SESSION_HOURS } from './providers.service.ts';
import { SHA1_SETTING } from './sha1.ts';

const hoursLabel = (h: number) =>
  h % 24 === 0 ? `${h / 24} day${h === 24 ? '' : 's'}` : `${h} hour${h === 1 ? '' : 's'}`;

export function spDetailsCard(urls: SpUrls): SafeHtml {
  return card(
    'Values for your identity provider',
    html`<p>Enter these in your IdP (in Entra: the application's <em>Basic SAML Configuration</em>).</p>
${copyField('Identifier (Entity ID)', 'sp-entity-id', urls.entityId)}
${copyField('Reply URL (Assertion Consumer Service URL)', 'sp-acs', urls.acs)}
${copyField('Sign-on URL', 'sp-sign-on', urls.signOn)}
${copyField('Logout URL', 'sp-sls', urls.sls)}
<p><a href="${urls.entityId}">Download this organization's SP metadata</a></p>`,
  );
}

export function chooseProviderBody(input: { slug: string; urls: SpUrls }): SafeHtml {
  const tile = (kind: ProviderKind, description: string) =>
    html`<section class="card"><header><h2>${PROVIDER_LABEL[kind]}</h2><a class="button" href="/settings/${input.slug}/auth/configure/${kind}/" aria-label="Configure ${PROVIDER_LABEL[kind]}">Configure</a></header><p>${description}</p></section>`;
  return html`${card(null, html`<p>Members of this organization sign in with email and password. Connect your identity provider so that they sign in with it instead, and so that people who do not have an account yet get one on their first sign-in.</p>`)}
${tile('active-directory', 'Microsoft Entra ID (Azure Active Directory), or Federa Directory: paste the App Federation Metadata URL.')}
${tile('saml2', 'Any SAML 2.0 identity provider (Okta, Keycloak, …): metadata by URL, pasted XML or entered by hand, with your own attribute mapping.')}
${spDetailsCard(input.urls)}`;
}

export interface ConfigureValues {
  metadataUrl: string;
  metadataXml: string;
  entityId: string;
  ssoUrl: string;
  ssoBinding: string;
  sloUrl: string;
  certificates: string;
}

export function configureBody(input: {
  csrf: string;
  slug: string;
  kind: ProviderKind;
  values: ConfigureValues;
  errors: FieldErrors;
  urls: SpUrls;
  editing: boolean;
}): SafeHtml {
  const action = `/settings/${input.slug}/auth/configure/${input.kind}/`;
  const e = input.errors;
  const textarea = (name: keyof ConfigureValues, label: string, hint: string) => {
    const id = `f-${name}`;
    return html`<div class="field${e[name] ? ' has-error' : ''}"><label for="${id}">${label}</label><textarea id="${id}" name="${name}" aria-describedby="${id}-hint${e[name] ? ` ${id}-error` : ''}"${e[name] ? html` aria-invalid="true"` : null}>${input.values[name]}</textarea><p class="hint" id="${id}-hint">${hint}</p>${e[name] ? html`<p class="error" id="${id}-error">${e[name]}</p>` : null}</div>`;
  };
  const form = (method: string, title: string, inner: SafeHtml, button: string) =>
    card(
      title,
      html`<form method="post" action="${action}" novalidate>${hiddenCsrf(input.csrf)}<input type="hidden" name="method" value="${method}">${inner}<div class="actions"><button type="submit">${button}</button></div></form>`,
    );
  return html`${e.kind ? html`<div class="flash flash-error" role="alert">${e.kind}</div>` : null}
${form(
  'url',
  'Metadata URL',
  field({
    label: input.kind === 'active-directory' ? 'App Federation Metadata URL' : 'Metadata URL',
    name: 'metadataUrl',
    type: 'url',
    value: input.values.metadataUrl,
    error: e.metadataUrl,
    hint:
      input.kind === 'active-directory'
        ? 'In Entra: the application’s Single sign-on page, SAML Certificates, “App Federation Metadata Url”. It is fetched now and again every day, so certificate rollovers are picked up.'
        : 'Fetched now and again every day, so certificate rollovers are picked up.',
  }),
  'Save metadata URL',
)}
${form('xml', 'Metadata XML', textarea('metadataXml', 'Metadata XML', 'Paste the whole metadata document (for example the downloaded Federation Metadata XML file).'), 'Save metadata XML')}
${form(
  'manual',
  'Enter by hand',
  html`${field({ label: 'IdP entity ID (Issuer)', name: 'entityId', value: input.values.entityId, error: e.entityId })}
${field({ label: 'Single sign-on URL', name: 'ssoUrl', type: 'url', value: input.values.ssoUrl, error: e.ssoUrl })}
<div class="field"><label for="f-ssoBinding">Single sign-on binding</label><select id="f-ssoBinding" name="ssoBinding"><option value="redirect"${input.values.ssoBinding !== 'post' ? html` selected` : null}>HTTP-Redirect</option><option value="post"${input.values.ssoBinding === 'post' ? html` selected` : null}>HTTP-POST</option></select></div>
${field({ label: 'Single logout URL (optional)', name: 'sloUrl', type: 'url', value: input.values.sloUrl, error: e.sloUrl })}
${textarea('certificates', 'Signing certificates', 'One or more certificates in PEM (-----BEGIN CERTIFICATE----- …). Every one listed is trusted.')}`,
  'Save IdP settings',
)}
${input.editing ? null : spDetailsCard(input.urls)}`;
}

function certificateTable(provider: Provider): SafeHtml {
  return table(
    ['Subject', 'Thumbprint (SHA-1)', 'Expires'],
    provider.signingCertificates.map((base64) => {
      const c = parseCertificate(base64);
      return [
        c.subject.replace(/\n/g, ', '),
        html`<code>${c.thumbprint}</code>`,
        c.notAfter.toISOString().slice(0, 10),
      ];
    }),
  );
}

export function providerBody(input: {
  csrf: string;
  organization: Organization;
  provider: Provider;
  urls: SpUrls;
  attempts: SsoAttempt[];
  optionErrors: FieldErrors;
  mappingErrors: FieldErrors;
  /** People linked through this provider by its current user-id mapping. */
  linkedIdentities: number;
}): SafeHtml {
  const { provider, organization } = input;
  const slug = organization.slug;
  const base = `/settings/${slug}/auth`;
  const pending = provider.status === 'pending';
  const status = pending
    ? html`<span class="badge bad">Setup not finished</span>`
    : html`<span class="badge ok">Active</span>`;
  const setup = pending
    ? card(
        'Finish setup',
        html`<p>Sign in once through ${PROVIDER_LABEL[provider.kind]} yourself to prove that it works. Until then, nobody is sent to the identity provider, so a mistake cannot lock the organization out. Your account will be linked to the identity you sign in with; if the identity provider signs in someone with another email address, you are asked first.</p>
<form method="post" action="${base}/test/">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit">Test and finish setup</button></div></form>`,
      )
    : null;
  const metadata = provider.metadataUrl
    ? html`${facts([
        ['Metadata URL', html`<code>${provider.metadataUrl}</code>`],
        [
          'Last fetched',
          provider.metadataFetchedAt ? provider.metadataFetchedAt.replace('T', ' ').slice(0, 19) : 'never',
        ],
      ])}${provider.metadataError ? html`<p class="error" role="alert">Last refresh failed: ${provider.metadataError}</p>` : null}
<form method="post" action="${base}/refresh/">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit" class="secondary">Refresh metadata</button></div></form>`
    : facts([['Metadata', provider.metadataSource === 'xml' ? 'Pasted XML' : 'Entered by hand']]);
  const roleOptions = ROLES.filter((r) => r !== 'owner').map(
    (r) =>
      html`<option value="${r}"${r === provider.defaultRole ? html` selected` : null}>${ROLE_INFO[r].label}</option>`,
  );
  const checkbox = (name: string, label: string, on: boolean, hint: string) =>
    html`<div class="checkbox"><label><input type="checkbox" name="${name}" value="1"${on ? html` checked` : null}> ${label}</label><p class="hint">${hint}</p></div>`;
  const options = card(
    'Settings',
    html`<form method="post" action="${base}/settings/" novalidate>${hiddenCsrf(input.csrf)}
${checkbox('requireSso', 'Require SSO', provider.requireSso, 'Members must sign in through the identity provider to open this organization.')}
${checkbox('sendToIdp', SEND_TO_IDP_SETTING, provider.sendToIdp, 'Someone signed out who opens a page of this organization (a My Apps tile, a bookmark) goes to the identity provider at once and comes back to that page, without the “Continue with” button. Always on with Require SSO. The login page stays for owners and after a failed sign-in.')}
${checkbox('wantAssertionsSigned', 'Require signed assertions', provider.wantAssertionsSigned, 'Refuse a response whose assertion is not signed, even when the response around it is. Entra and Federa Directory sign the assertion by default (“Sign SAML assertion”); turn this off only for an IdP set to sign the response only. This organization’s SP metadata says what you choose (WantAssertionsSigned).')}
${requestSigning(provider, checkbox)}
${checkbox('allowIdpInitiated', 'Allow IdP-initiated sign-in', provider.allowIdpInitiated, 'Accept sign-ins started at the identity provider (My Apps tiles, “Test this application”).')}
${checkbox('singleLogout', 'Sign out of the identity provider too', provider.singleLogout, 'Signing out here also sends a logout request to the IdP’s logout URL.')}
<div class="checkbox"><label><input type="checkbox" name="allowSha1" value="1" aria-describedby="f-allowSha1-warning"${provider.allowSha1 ? html` checked` : null}> ${SHA1_SETTING}</label><p class="error" id="f-allowSha1-warning"><strong>Warning:</strong> SHA-1 is broken: someone who gets the IdP to sign a message of their making may forge another that this organization would take as signed. Turn this on only for an IdP that cannot sign with SHA-256 (in Entra and Federa Directory it can: Single sign-on → SAML Certificates → Edit → Signing Algorithm), and off again once it can. It applies to sign-in responses and logout messages.</p></div>
<div class="field${input.optionErrors.defaultRole ? ' has-error' : ''}"><label for="f-defaultRole">Default role for new members</label><select id="f-defaultRole" name="defaultRole">${roleOptions}</select>${input.optionErrors.defaultRole ? html`<p class="error">${input.optionErrors.defaultRole}</p>` : null}</div>
<div class="field"><label for="f-sessionHours">SSO session length</label><select id="f-sessionHours" name="sessionHours" aria-describedby="f-sessionHours-hint">${SESSION_HOURS.map(
      (h) =>
        html`<option value="${h}"${h === provider.sessionHours ? html` selected` : null}>${hoursLabel(h)}</option>`,
    )}</select><p class="hint" id="f-sessionHours-hint">How long a sign-in through the identity provider lasts here (Sentry re-validates after 20 hours). After it, the member signs in through the identity provider again, which decides by its own session and policies (such as Conditional Access sign-in frequency) whether to ask again.</p></div>
${checkbox('forceAuthn', 'Ask the identity provider to authenticate again at each sign-in', provider.forceAuthn, 'Every sign-in request says ForceAuthn="true": the identity provider asks for the password (and MFA, if its policies require it) even when its own session is live, instead of signing the member in silently.')}
<div class="actions"><button type="submit">Save settings</button></div></form>`,
  );
  const m = provider.mapping;
  const mapping =
    provider.kind === 'active-directory'
      ? card(
          'Attribute mapping',
          facts([
            ['IdP user id', html`<code>${m.userId ?? 'NameID'}</code> (immutable object id)`],
            ['Email', html`<code>${m.email ?? 'NameID'}</code>`],
            ['First name', html`<code>${m.firstName ?? '—'}</code>`],
            ['Last name', html`<code>${m.lastName ?? '—'}</code>`],
          ]),
        )
      : card(
          'Attribute mapping',
          html`<form method="post" action="${base}/mapping/" novalidate>${hiddenCsrf(input.csrf)}
${userIdChangeWarning(input.linkedIdentities, m.userId, input.mappingErrors.confirmUserIdChange)}
<div class="checkbox"><label><input type="checkbox" name="useNameIdAsUserId" value="1"${m.userId === null ? html` checked` : null}> Use the NameID as the IdP user id</label></div>
${field({ label: 'IdP user id attribute', name: 'userId', value: m.userId ?? '', error: input.mappingErrors.userId, hint: 'An attribute that never changes for a person (not an email or user name, which can be reassigned). Ignored when the NameID is used.' })}
${field({ label: 'Email attribute', name: 'email', value: m.email ?? '', error: input.mappingErrors.email, hint: 'Empty: the NameID holds the email.' })}
${field({ label: 'First name attribute', name: 'firstName', value: m.firstName ?? '', error: input.mappingErrors.firstName })}
${field({ label: 'Last name attribute', name: 'lastName', value: m.lastName ?? '', error: input.mappingErrors.lastName })}
<div class="actions"><button type="submit">Save attribute mapping</button></div></form>`,
        );
  return html`${card(
    `${PROVIDER_LABEL[provider.kind]}`,
    html`${facts([
      ['Status', status],
      ['IdP entity ID', html`<code>${provider.entityId}</code>`],
      [
        'Single sign-on URL',
        html`<code>${provider.ssoUrl}</code> (${provider.ssoBinding === BINDING.post ? 'HTTP-POST' : 'HTTP-Redirect'})`,
      ],
      ['Single logout URL', provider.sloUrl ? html`<code>${provider.sloUrl}</code>` : 'none'],
      [
        'Signature algorithms',
        provider.allowSha1
          ? html`<span class="badge bad">SHA-1 accepted (insecure)</span>`
          : 'SHA-256 or stronger',
      ],
    ])}
<h3>Signing certificates</h3>${certificateTable(provider)}
<h3>Metadata</h3>${metadata}
<div class="actions"><a class="button secondary" href="${base}/configure/${provider.kind}/">Edit IdP settings</a></div>`,
  )}
${setup}
${options}
${mapping}
${card('Recent SSO sign-in attempts', table(ATTEMPT_COLUMNS, attemptRows(input.attempts), 'No sign-in attempts yet.'), html`<a href="${base}/attempts/">All attempts</a>`)}
${spDetailsCard(input.urls)}
${card(
  'Disable SSO',
  html`<p>Members go back to email and password. Every identity linked through this provider is forgotten; configure SSO again to turn it back on.</p>
<form method="post" action="${base}/disable/">${hiddenCsrf(input.csrf)}<div class="actions"><button type="submit" class="danger">Disable SSO</button></div></form>`,
)}`;
}

/**
 * The "Sign authentication requests" setting. When the IdP's metadata says WantAuthnRequestsSigned,
 * requests are signed whatever the owner chose (such an IdP refuses every unsigned one), and the page
 * says so instead of offering a switch that would change nothing.
 */
function requestSigning(
  provider: Provider,
  checkbox: (name: string, label: string, on: boolean, hint: string) => SafeHtml,
): SafeHtml {
  const where =
    'The IdP needs this organization’s signing certificate: it is in the SP metadata (link below), or give the IdP the metadata URL.';
  if (provider.idpWantsRequestsSigned) {
    return html`<div class="checkbox"><label><input type="checkbox" checked disabled> Sign authentication requests</label><p class="hint" role="status"><strong>Your identity provider requires signed requests</strong> (its metadata says WantAuthnRequestsSigned="true"), so the Workspace signs them. ${where}</p></div>`;
  }
  return checkbox(
    'signRequests',
    'Sign authentication requests',
    provider.signRequests,
    `Sign the AuthnRequests sent to the IdP (SHA-256), for an IdP set to verify them (in Entra: “Require verification certificates”). ${where}`,
  );
}

/**
 * Changing the user-id attribute of a configured provider: everyone linked by the old one would sign
 * in next time as a stranger (asked to prove their account again, or given a new one). Say how many.
 */
function userIdChangeWarning(
  linked: number,
  current: string | null,
  error: string | undefined,
): SafeHtml | null {
  if (linked === 0) return null;
  const people = linked === 1 ? '1 member is' : `${linked} members are`;
  return html`<div class="checkbox${error ? ' has-error' : ''}"><p class="error" id="f-confirmUserIdChange-warning"><strong>Warning:</strong> ${people} linked by the IdP user id in <code>${current ?? 'NameID'}</code>. If you change where the user id comes from, each of them becomes a new identity at their next sign-in: asked to prove their account again, or given a new account.</p><label><input type="checkbox" name="confirmUserIdChange" value="1" aria-describedby="f-confirmUserIdChange-warning"> I understand: change the user id for ${people.replace(/ is$| are$/, '')}</label>${error ? html`<p class="error" role="alert">${error}</p>` : null}</div>`;
}
