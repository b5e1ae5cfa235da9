import type { AuthnRequest, DecodedRedirect } from '@federa/saml';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, Deps } from '../context.ts';
import type { SessionAuth } from '../signin/session-auth.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import type { User } from '../users/users.repository.ts';
import type { SignInApplication } from './sign-in-config.ts';

/** What the SAML endpoint's checks read and establish, one check after the other. */
export interface SsoContext {
  readonly deps: AppDeps;
  readonly request: FastifyRequest;
  readonly tenant: Tenant;
  /** How the tenant was named in the URL (GUID or domain), to build its addresses as the SP saw them. */
  readonly tenantSegment: string;
  readonly binding: 'redirect' | 'post';
  readonly correlationId: string;
  /** The signed-in session for this tenant, if any. */
  readonly auth: SessionAuth | null;
  /** Nobody signed in, but this browser's user must replace a temporary password (temporary-password/). */
  readonly temporaryPasswordUser: User | null;
  message: {
    xml: string;
    relayState: string | null;
    /** The decoded query, for the Redirect binding's signature. */
    redirect: DecodedRedirect | null;
    /** The root element's local name: AuthnRequest, LogoutRequest, … */
    kind: string;
  } | null;
  /** The Issuer as sent, before anything is verified (to find the application). */
  issuer: string | null;
  authnRequest: AuthnRequest | null;
  application: SignInApplication | null;
  acsUrl: string | null;
  requestedNameIdFormat: string | null;
  authnContextClassRef: string | null;
  /** Whether the user must enter a password now (nobody signed in, or ForceAuthn). */
  prompt: boolean;
}

/** One named step of the SSO endpoint: throws SsoError or SsoStatusRefusal to stop the sign-in. */
export interface SsoCheck {
  readonly name: string;
  run(ctx: SsoContext): void | Promise<void>;
}

/** A step after someone is signed in: the user may use this application. */
export interface CompletionContext {
  readonly deps: Deps;
  readonly tenant: Tenant;
  readonly application: SignInApplication;
  readonly user: User;
  /** App role ids granted to the user (directly or through groups); empty when not assigned. */
  readonly roleIds: readonly string[];
  /** The NameID Format the response will carry. */
  readonly nameIdFormat: string;
}

export interface CompletionCheck {
  readonly name: string;
  run(ctx: CompletionContext): void | Promise<void>;
}

export async function runChecks(ctx: SsoContext, checks: readonly SsoCheck[]): Promise<void> {
  for (const check of checks) await check.run(ctx);
}

/** Tenant-relative addresses of this IdP (DESIGN.md "Addresses"). */
export function idpAddresses(baseUrl: string, tenantId: string) {
  return {
    entityId: `${baseUrl}/${tenantId}/`,
    ssoUrl: `${baseUrl}/${tenantId}/saml2`,
    metadataUrl: (appId: string) =>
      `${baseUrl}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`,
    userAccessUrl: (appId: string) => `${baseUrl}/myapps/signin/${appId}?tenantId=${tenantId}`,
  };
}

/** The application a check needs; a check placed before `known-application` is a programming error. */
export function applicationOf(ctx: SsoContext): SignInApplication {
  if (!ctx.application) throw new Error('check order: the application is not known yet');
  return ctx.application;
}

export function authnRequestOf(ctx: SsoContext): AuthnRequest {
  if (!ctx.authnRequest) throw new Error('check order: the AuthnRequest is not parsed yet');
  return ctx.authnRequest;
}
