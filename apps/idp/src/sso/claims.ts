import { NAMEID_FORMAT, type Random } from '@federa/saml';
import type { Application } from '../applications/applications.repository.ts';
import { claimUri, GROUPS_CLAIM, PASSWORD_AMR, ROLE_CLAIM, readAttribute } from '../applications/claims.ts';
import type { AppRole } from '../assignments/assignments.repository.ts';
import type { Tenant } from '../tenants/tenants.repository.ts';
import type { User } from '../users/users.repository.ts';

const ENTRA = 'http://schemas.microsoft.com/identity/claims';

/** The NameID Format of the response: what the SP asked for (already checked), else the app's choice. */
export function resolveNameIdFormat(app: Application, requested: string | null): string {
  if (requested) return requested;
  return app.nameIdFormat === 'default' ? NAMEID_FORMAT.emailAddress : app.nameIdFormat;
}

export function nameIdValueFor(app: Application, user: User, format: string, random: Random): string {
  if (format === NAMEID_FORMAT.transient) return random.id();
  return readAttribute(user, app.nameIdSource) ?? '';
}

export interface ClaimsInput {
  tenant: Tenant;
  user: User;
  application: Application;
  /** The IdP entity ID (Entra's identityprovider claim carries it). */
  issuer: string;
  /** The user's groups; for the "groups assigned to the application" claim, whether each is. */
  groups: ReadonlyArray<{ id: string; displayName: string; assignedToApplication: boolean }>;
  /** The user's roles in the application. */
  roles: readonly AppRole[];
  /** authnmethodsreferences: the password, and multipleauthn after MFA (mfa/authentication-details.ts). */
  authnMethods?: readonly string[];
}

/**
 * The claims of an assertion, in Entra's order (fixtures/entra/azure-ad-saml-response.*): the fixed
 * tenantid, objectidentifier, displayname, [groups], identityprovider, authnmethodsreferences, then
 * the application's claims as configured, then [role]. A claim whose source is empty is left out.
 */
export function buildClaims(input: ClaimsInput): Array<{ name: string; values: string[] }> {
  const { user, application: app } = input;
  const claims: Array<{ name: string; values: string[] }> = [
    { name: `${ENTRA}/tenantid`, values: [input.tenant.id] },
    { name: `${ENTRA}/objectidentifier`, values: [user.id] },
    { name: `${ENTRA}/displayname`, values: [user.displayName] },
  ];
  if (app.groupClaim !== 'none') {
    const groups =
      app.groupClaim === 'assigned' ? input.groups.filter((g) => g.assignedToApplication) : input.groups;
    claims.push({
      name: GROUPS_CLAIM,
      values: groups.map((g) => (app.groupClaimSource === 'displayName' ? g.displayName : g.id)),
    });
  }
  claims.push({ name: `${ENTRA}/identityprovider`, values: [input.issuer] });
  claims.push({
    name: 'http://schemas.microsoft.com/claims/authnmethodsreferences',
    values: input.authnMethods ? [...input.authnMethods] : [PASSWORD_AMR],
  });
  for (const claim of app.claims) {
    const value = readAttribute(user, claim.source);
    claims.push({ name: claimUri(claim), values: value === null ? [] : [value] });
  }
  if (app.roleClaim) {
    const values = input.roles.map((r) => r.value).filter((v): v is string => v !== null);
    claims.push({ name: ROLE_CLAIM, values });
  }
  return claims.filter((c) => c.values.length > 0);
}
