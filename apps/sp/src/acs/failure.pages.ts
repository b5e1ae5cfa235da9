import { card, facts, html, type SafeHtml } from '@federa/kit';
import { refusedForSha1, SHA1_SETTING_PLACE } from '../providers/sha1.ts';

/**
 * What failed, in words for the person in the browser (the admins' log has the exact fix). `detail` is
 * the refusal's private detail, read only to tell an algorithm the organization could allow from one
 * it never accepts; none of it is shown.
 */
export function publicReason(code: string, detail: Record<string, unknown> | null = null): string {
  if (code === 'ORGANIZATION_NOT_FOUND')
    return 'The sign-in was sent to an organization that does not exist here.';
  if (code === 'SSO_NOT_CONFIGURED') return 'This organization does not use single sign-on (any more).';
  if (code === 'SETUP_NOT_FINISHED')
    return 'Single sign-on for this organization is not set up yet: an owner or manager must finish the setup first.';
  if (code === 'SETUP_NOT_ALLOWED')
    return 'Only an owner or manager of the organization can finish the single sign-on setup.';
  if (code === 'MEMBER_SUSPENDED')
    return 'Your access to this organization is suspended by its directory. Ask your administrator to restore it (assign you to the application again in your identity provider).';
  if (code === 'MEMBER_NOT_PROVISIONED')
    return 'This organization adds its members from its directory, and you are not one of them. Ask your administrator to assign you to the application in your identity provider.';
  if (code === 'IDENTITY_CONFLICT')
    return 'Your account is already linked to another identity of this identity provider.';
  // Before the other signature codes: the certificate is not what is wrong, and saying so would send
  // the admin to the wrong page.
  if (refusedForSha1(code, detail))
    return `The identity provider signed its response with SHA-1, which this organization does not accept (its certificate is not the problem). An owner or manager can set the identity provider to sign with SHA-256, or turn on ${SHA1_SETTING_PLACE}.`;
  if (code === 'SIGNATURE_ALGORITHM_FORBIDDEN')
    return 'The identity provider signed its response with an algorithm this service never accepts (its certificate is not the problem).';
  if (code.startsWith('SIGNATURE_'))
    return 'The identity provider’s response could not be verified: it was not signed with a certificate this organization trusts.';
  if (code === 'AUDIENCE_MISMATCH' || code === 'RECIPIENT_MISMATCH' || code === 'DESTINATION_MISMATCH') {
    return 'The identity provider’s response was meant for another application or address.';
  }
  if (code === 'ISSUER_MISMATCH')
    return 'The response came from another identity provider than the one this organization uses.';
  if (code === 'EXPIRED' || code === 'NOT_YET_VALID')
    return 'The identity provider’s response was outside its validity period (too old, or the clocks disagree).';
  if (code === 'IN_RESPONSE_TO_MISMATCH' || code === 'IN_RESPONSE_TO_UNEXPECTED') {
    return 'The response does not answer a sign-in started in this browser (or that sign-in already finished).';
  }
  if (code === 'UNSOLICITED_NOT_ALLOWED')
    return 'This organization accepts only sign-ins started from its own login page, not from the identity provider.';
  if (code === 'RESPONSE_REPLAYED') return 'This sign-in response was already used.';
  if (code === 'RESPONSE_STATUS_NOT_SUCCESS') return 'The identity provider did not sign you in.';
  if (code === 'USER_ID_MISSING' || code === 'EMAIL_MISSING' || code === 'EMAIL_INVALID') {
    return 'The identity provider did not send the details this organization needs (your user id or email).';
  }
  return 'The identity provider’s response was malformed or incomplete.';
}

export function failureBody(input: {
  slug: string;
  code: string;
  detail: Record<string, unknown> | null;
  reference: string;
  at: string;
  /** The SAML Response's ID as sent: the other side's reference (the IdP's sign-in log shows it). */
  responseId?: string | null;
}): SafeHtml {
  const unknownOrganization = input.code === 'ORGANIZATION_NOT_FOUND';
  return card(
    null,
    html`<p role="alert"><strong>${publicReason(input.code, input.detail)}</strong></p>
${facts([
  ['Error code', html`<code>${input.code}</code>`],
  ['Reference', html`<code>${input.reference}</code>`],
  ...(input.responseId ? [['SAML Response ID', html`<code>${input.responseId}</code>`] as const] : []),
  ['Time', input.at],
])}
${
  unknownOrganization
    ? // Nobody administers an organization that does not exist: say who can act on it.
      html`<p>No organization here is called <code>${input.slug}</code>, so no administrator here sees this attempt. The application’s Reply URL at your identity provider is probably mistyped: give the reference and the SAML Response ID above to whoever set up the application there (the identity provider’s sign-in log shows the same Response ID), or to the operator of this service.</p>`
    : html`<p>Try again from the organization’s login page. If it keeps failing, give the reference above to an administrator of the organization: they see what to fix under Settings → Auth → SSO sign-in attempts${input.responseId ? ', and the identity provider’s sign-in log shows the same SAML Response ID' : ''}.</p>
<div class="actions"><a class="button" href="/auth/login/${input.slug}/">Try again</a></div>`
}`,
  );
}
