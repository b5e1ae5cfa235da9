import type { CompletionCheck, SsoCheck } from '../context.ts';
import { accountEnabled } from './account-enabled.ts';
import { applicationEnabled } from './application-enabled.ts';
import { assignment } from './assignment.ts';
import { destination } from './destination.ts';
import { forceAuthn } from './force-authn.ts';
import { isPassive } from './is-passive.ts';
import { issueInstant } from './issue-instant.ts';
import { knownApplication } from './known-application.ts';
import { messagePresent } from './message-present.ts';
import { nameIdPolicy } from './name-id-policy.ts';
import { nameIdValue } from './name-id-value.ts';
import { parseMessage } from './parse-message.ts';
import { protocolBinding } from './protocol-binding.ts';
import { replyUrl } from './reply-url.ts';
import { requestedAuthnContext } from './requested-authn-context.ts';
import { signature } from './signature.ts';
import { temporaryPassword } from './temporary-password.ts';

/** Every SAML message: present, then readable. */
export const MESSAGE_CHECKS: readonly SsoCheck[] = [messagePresent, parseMessage];

/**
 * An AuthnRequest, in order. What needs the user (account enabled, assignment, a NameID value) is
 * checked once someone is signed in: `COMPLETION_CHECKS`.
 */
export const AUTHN_REQUEST_CHECKS: readonly SsoCheck[] = [
  knownApplication,
  applicationEnabled,
  replyUrl,
  protocolBinding,
  signature,
  destination,
  issueInstant,
  nameIdPolicy,
  requestedAuthnContext,
  forceAuthn,
  temporaryPassword,
  isPassive,
];

/** Once someone is signed in, before the response is issued. */
export const COMPLETION_CHECKS: readonly CompletionCheck[] = [accountEnabled, assignment, nameIdValue];
