import type { Element } from '@xmldom/xmldom';
import { SamlError, type SamlErrorCode } from '../errors.ts';
import { attr, optionalChild, requiredChild, textOf } from '../xml/dom.ts';
import { NS } from '../xml/namespaces.ts';

/** SAML Core §3.2.2: the Status of every StatusResponseType (Response, LogoutResponse). */
export interface Status {
  /** The top-level StatusCode (Core §3.2.2.2), e.g. `STATUS.success`. */
  code: string;
  /** The second-level StatusCode, e.g. `STATUS.partialLogout`. */
  subCode: string | null;
  message: string | null;
}

/**
 * Reads the Status of a StatusResponseType message (Core §3.2.2.1): the top-level StatusCode, its
 * first nested StatusCode and the StatusMessage. Structural faults are `code`.
 *
 * @example
 * readStatus(parseXml(xml).root).code === STATUS.success;
 */
export function readStatus(root: Element, code: SamlErrorCode = 'XML_SCHEMA_INVALID'): Status {
  const status = requiredChild(root, NS.protocol, 'Status', code);
  const top = requiredChild(status, NS.protocol, 'StatusCode', code);
  const value = attr(top, 'Value');
  if (!value) throw new SamlError(code, 'The StatusCode has no Value.');
  const sub = optionalChild(top, NS.protocol, 'StatusCode', code);
  const message = optionalChild(status, NS.protocol, 'StatusMessage', code);
  return { code: value, subCode: sub ? attr(sub, 'Value') : null, message: message ? textOf(message) : null };
}
