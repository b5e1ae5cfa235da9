import type { Element } from '@xmldom/xmldom';
import { SamlError } from '../errors.ts';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { CM_BEARER, NAMEID_FORMAT, NS } from '../xml/namespaces.ts';
import { checkNotOnOrAfter, readInstant } from './time-window.ts';

export interface NameId {
  value: string;
  format: string;
  nameQualifier: string | null;
  spNameQualifier: string | null;
}

/** SAML Core §2.2.3: the Subject's NameID (text is every text node joined: comments cannot truncate it). */
export function readNameId(assertion: Element): NameId {
  const subject = optionalChild(assertion, NS.assertion, 'Subject');
  if (!subject) throw new SamlError('SUBJECT_MISSING', 'The assertion has no Subject.');
  const nameId = optionalChild(subject, NS.assertion, 'NameID');
  const value = nameId ? textOf(nameId).trim() : '';
  if (!nameId || value === '') {
    throw new SamlError(
      'NAMEID_MISSING',
      'The assertion has no NameID. Check the Unique User Identifier claim at the IdP.',
    );
  }
  return {
    value,
    format: attr(nameId, 'Format') ?? NAMEID_FORMAT.unspecified,
    nameQualifier: attr(nameId, 'NameQualifier'),
    spNameQualifier: attr(nameId, 'SPNameQualifier'),
  };
}

export interface BearerConfirmation {
  inResponseTo: string | null;
  notOnOrAfter: Date;
}

/**
 * SAML Profiles §4.1.4.2: exactly one bearer SubjectConfirmation whose SubjectConfirmationData has
 * Recipient = this ACS, a NotOnOrAfter still in the future, and no NotBefore.
 */
export function checkBearerConfirmation(
  assertion: Element,
  acsUrl: string,
  now: Date,
  skewMs: number,
): BearerConfirmation {
  const subject = optionalChild(assertion, NS.assertion, 'Subject');
  if (!subject) throw new SamlError('SUBJECT_MISSING', 'The assertion has no Subject.');
  const bearers = childElements(subject, NS.assertion, 'SubjectConfirmation').filter(
    (c) => attr(c, 'Method') === CM_BEARER,
  );
  if (bearers.length !== 1) {
    throw new SamlError(
      'SUBJECT_CONFIRMATION_INVALID',
      `The assertion must have exactly one bearer SubjectConfirmation; it has ${bearers.length}.`,
    );
  }
  const data = optionalChild(
    bearers[0]!,
    NS.assertion,
    'SubjectConfirmationData',
    'SUBJECT_CONFIRMATION_INVALID',
  );
  if (!data) {
    throw new SamlError(
      'SUBJECT_CONFIRMATION_INVALID',
      'The bearer SubjectConfirmation has no SubjectConfirmationData.',
    );
  }
  const recipient = attr(data, 'Recipient');
  if (recipient !== acsUrl) {
    throw new SamlError(
      'RECIPIENT_MISMATCH',
      `The Recipient was ${recipient ?? '(absent)'}; set the Reply URL (Assertion Consumer Service URL) in your IdP to ${acsUrl}.`,
      { recipient: recipient ?? '', expected: acsUrl },
    );
  }
  if (attr(data, 'NotBefore') !== null) {
    throw new SamlError(
      'SUBJECT_CONFIRMATION_INVALID',
      'A bearer SubjectConfirmationData must not carry NotBefore.',
    );
  }
  const notOnOrAfter = readInstant(attr(data, 'NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter');
  if (!notOnOrAfter) {
    throw new SamlError(
      'SUBJECT_CONFIRMATION_INVALID',
      'The bearer SubjectConfirmationData has no NotOnOrAfter.',
    );
  }
  checkNotOnOrAfter(notOnOrAfter, now, skewMs, 'subject confirmation');
  return { inResponseTo: attr(data, 'InResponseTo'), notOnOrAfter };
}
