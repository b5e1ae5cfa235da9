import type { Element } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import { checkNotBefore, checkNotOnOrAfter, readInstant } from './time-window.ts';

/**
 * SAML Core §2.5.1: the assertion's Conditions. The time window must hold (with skew), and every
 * AudienceRestriction must name this SP (§2.5.1.4: each restriction must be met; within one, any
 * Audience suffices). The Web Browser SSO profile (Profiles §4.1.4.2) requires at least one.
 * Returns the NotOnOrAfter, which bounds how long the assertion ID must stay in the replay cache.
 */
export function checkConditions(
  assertion: Element,
  spEntityId: string,
  now: Date,
  skewMs: number,
): Date | null {
  const conditions = optionalChild(assertion, NS.assertion, 'Conditions');
  if (!conditions) {
    throw new SamlError(
      'AUDIENCE_MISMATCH',
      `The assertion has no Conditions, so it is not restricted to this SP. The IdP must set the Audience to ${spEntityId}.`,
    );
  }
  const notBefore = readInstant(attr(conditions, 'NotBefore'), 'Conditions NotBefore');
  const notOnOrAfter = readInstant(attr(conditions, 'NotOnOrAfter'), 'Conditions NotOnOrAfter');
  checkNotBefore(notBefore, now, skewMs, 'assertion');
  checkNotOnOrAfter(notOnOrAfter, now, skewMs, 'assertion');

  const restrictions = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) {
    throw new SamlError(
      'AUDIENCE_MISMATCH',
      `The assertion has no AudienceRestriction. Set the Identifier (Entity ID) in the IdP to ${spEntityId}.`,
    );
  }
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.assertion, 'Audience').map((a) => textOf(a).trim());
    if (!audiences.includes(spEntityId)) {
      throw new SamlError(
        'AUDIENCE_MISMATCH',
        `The Audience was ${audiences.join(', ') || '(empty)'}; set the Identifier (Entity ID) in your IdP to ${spEntityId}.`,
        { audience: audiences.join(' '), expected: spEntityId },
      );
    }
  }
  return notOnOrAfter;
}
