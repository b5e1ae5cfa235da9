import type { ValidatedAssertion } from '@federa/saml';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import type { Organization } from '../organizations/organizations.repository.ts';
import type { MappedIdentity } from '../providers/attribute-mapping.ts';
import type { Provider } from '../providers/providers.repository.ts';
import type { PendingRequest } from '../sso/pending-requests.repository.ts';

/** ACS refusals that are not the SAML core's (SamlError) nor the attribute mapping's. */
export type AcsErrorCode =
  | 'ORGANIZATION_NOT_FOUND'
  | 'SSO_NOT_CONFIGURED'
  | 'SETUP_NOT_FINISHED'
  | 'SETUP_NOT_ALLOWED'
  | 'IDENTITY_CONFLICT'
  | 'RESPONSE_REPLAYED'
  | 'MEMBER_SUSPENDED'
  | 'MEMBER_NOT_PROVISIONED';

export class AcsFailure extends Error {
  readonly code: AcsErrorCode;
  readonly detail: Record<string, string> | undefined;
  constructor(code: AcsErrorCode, message: string, detail?: Record<string, string>) {
    super(message);
    this.name = 'AcsFailure';
    this.code = code;
    this.detail = detail;
  }
}

export type AcsOutcome =
  | {
      kind: 'signed-in';
      userId: string;
      organizationId: string;
      ssoSessionId: string;
      nextPath: string;
      created: boolean;
      activated: boolean;
    }
  | { kind: 'link-required'; pendingLinkId: string }
  | { kind: 'setup-confirmation'; pendingLinkId: string; userId: string };

/** What the checks learn, in order; each check reads what the ones before it set. */
export interface AcsState {
  ctx: Context;
  request: FastifyRequest;
  slug: string;
  organization?: Organization;
  provider?: Provider;
  xml?: string;
  relayState?: string | null;
  browserHash?: string | null;
  pending?: PendingRequest[];
  assertion?: ValidatedAssertion;
  /** The pending request the response answers; null for an IdP-initiated response. */
  answered?: PendingRequest | null;
  identity?: MappedIdentity;
  outcome?: AcsOutcome;
}

/** One named step of the ACS: its name is what the sign-in log shows when it fails. */
export interface AcsCheck {
  name: string;
  run(state: AcsState): Promise<void>;
}
