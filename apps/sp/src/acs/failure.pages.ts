import { card, facts, html, type SafeHtml } from '@federa/kit';

/** What failed, in words for the person in the browser (the admins' log has the exact fix). */
export function publicReason(code: string): string {
  if (code === 'ORGANIZATION_NOT_FOUND')
    return 'The sign-in was sent to an organization that does not exist here.';
  if (code === 'SSO_NOT_CONFIGURED') return 'This organization does not use single sign-on (any more).';
  if (code === 'SETUP_NOT_FINISHED')
    return 'Single sign-on for this organization is not set up yet: an owner or manager must finish the setup first.';
  if (code === 'SETUP_NOT_ALLOWED')
    return 'Only an owner or manager of the organization can finish the single sign-on setup.';
  if (code === 'IDENTITY_CONFLICT')
    return 'Your account is already linked to another identity of this identity provider.';
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

export function failureBody(input: { slug: string; code: string; reference: string; at: string }): SafeHtml {
  return card(
    null,
    html`<p role="alert"><strong>${publicReason(input.code)}</strong></p>
${facts([
  ['Error code', html`<code>${input.code}</code>`],
  ['Reference', html`<code>${input.reference}</code>`],
  ['Time', input.at],
])}
<p>Try again from the organization’s login page. If it keeps failing, give the reference above to an administrator of the organization: they see what to fix under Settings → Auth → SSO sign-in attempts.</p>
<div class="actions"><a class="button" href="/auth/login/${input.slug}/">Try again</a></div>`,
  );
}
