import type { Element } from '@xmldom/xmldom';
import { attr, childElements, optionalChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';
import { readInstant } from './time-window.ts';

/** SAML Core §2.7.3: every Attribute of every AttributeStatement, with all its values, by Name. */
export function readAttributes(assertion: Element): Record<string, string[]> {
  const attributes: Record<string, string[]> = Object.create(null);
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = childElements(attribute, NS.assertion, 'AttributeValue').map((v) => textOf(v));
      attributes[name] = [...(attributes[name] ?? []), ...values];
    }
  }
  return attributes;
}

export interface AuthnStatement {
  authnInstant: Date | null;
  sessionIndex: string | null;
  sessionNotOnOrAfter: Date | null;
  authnContextClassRef: string | null;
}

/** SAML Core §2.7.2: the (first) AuthnStatement: when and how the user signed in at the IdP. */
export function readAuthnStatement(assertion: Element): AuthnStatement {
  const statement = childElements(assertion, NS.assertion, 'AuthnStatement')[0];
  if (!statement)
    return { authnInstant: null, sessionIndex: null, sessionNotOnOrAfter: null, authnContextClassRef: null };
  const context = optionalChild(statement, NS.assertion, 'AuthnContext');
  const classRef = context ? optionalChild(context, NS.assertion, 'AuthnContextClassRef') : null;
  return {
    authnInstant: readInstant(attr(statement, 'AuthnInstant'), 'AuthnInstant'),
    sessionIndex: attr(statement, 'SessionIndex'),
    sessionNotOnOrAfter: readInstant(attr(statement, 'SessionNotOnOrAfter'), 'SessionNotOnOrAfter'),
    authnContextClassRef: classRef ? textOf(classRef).trim() : null,
  };
}
