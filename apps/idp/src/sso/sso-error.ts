import type { AadstsCode } from './aadsts.ts';

/**
 * A sign-in the IdP refuses on its own page (Entra's "Sorry, but we're having trouble signing you
 * in."): the AADSTS code and Entra's message, what the admin should change, and the HTTP status.
 * `detail` is private (sign-in log only).
 */
export class SsoError extends Error {
  readonly code: AadstsCode;
  /** The named check that refused, as the sign-in log shows it. */
  readonly check: string;
  readonly status: number;
  /** What the administrator should change, e.g. the identifier the SP sent vs those configured. */
  readonly adminAction: string;
  readonly detail: Record<string, unknown> | undefined;

  constructor(options: {
    code: AadstsCode;
    check: string;
    message: string;
    adminAction: string;
    status?: number;
    detail?: Record<string, unknown>;
  }) {
    super(`${options.code}: ${options.message}`);
    this.name = 'SsoError';
    this.code = options.code;
    this.check = options.check;
    this.status = options.status ?? 400;
    this.adminAction = options.adminAction;
    this.detail = options.detail;
  }
}

/**
 * A refusal that goes back to the SP as a SAML Response with a non-Success status (SAML Profiles
 * §4.1.4.2), e.g. NoPassive, InvalidNameIDPolicy, NoAuthnContext: the SP decides what to show.
 */
export class SsoStatusRefusal extends Error {
  readonly code: AadstsCode;
  readonly check: string;
  readonly status: { code: string; subCode: string; message: string };

  constructor(options: {
    code: AadstsCode;
    check: string;
    status: { code: string; subCode: string; message: string };
  }) {
    super(`${options.code}: ${options.status.message}`);
    this.name = 'SsoStatusRefusal';
    this.code = options.code;
    this.check = options.check;
    this.status = options.status;
  }
}
