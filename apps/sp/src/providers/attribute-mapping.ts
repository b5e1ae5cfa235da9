// Which assertion values make an identity. Entra's defaults key the identity on the immutable object
// id, never on the UPN or email, which an Entra admin can change (Sentry keys on the mutable UPN).

export interface AttributeMapping {
  /** The attribute holding the IdP's stable user id; null: use the NameID. */
  userId: string | null;
  /** The attribute holding the email; null: use the NameID. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

export const ENTRA_CLAIMS = {
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  /** Entra's default `name` claim: the user principal name (user.userprincipalname). */
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
} as const;

/**
 * Where the email comes from when Entra's `emailaddress` claim is absent. Entra sources that claim
 * from user.mail, which is empty for a user without a mailbox (the tutorial's B.Simon, created with
 * Name and User name only), and leaves an empty claim out. Its default `name` claim is the user
 * principal name (B.Simon@contoso.com), an address-shaped identifier every Entra user has and the one
 * the person typed to sign in. So an organization whose email claim is Entra's `emailaddress` takes the
 * UPN from `name` instead of refusing the sign-in (while the IdP's log says it succeeded). The address
 * is asserted by the IdP like any other: it reserves and links nothing outside the organization
 * (DESIGN.md baseline 11), and the Workspace never treats it as verified.
 */
export const EMAIL_FALLBACKS: Readonly<Record<string, string>> = {
  [ENTRA_CLAIMS.email]: ENTRA_CLAIMS.name,
};

export const ACTIVE_DIRECTORY_MAPPING: AttributeMapping = {
  userId: ENTRA_CLAIMS.objectId,
  email: ENTRA_CLAIMS.email,
  firstName: ENTRA_CLAIMS.givenName,
  lastName: ENTRA_CLAIMS.surname,
};

/** The generic SAML2 provider starts from the NameID for both; the admin maps attributes. */
export const GENERIC_DEFAULT_MAPPING: AttributeMapping = {
  userId: null,
  email: null,
  firstName: null,
  lastName: null,
};

export interface MappedIdentity {
  idpUserId: string;
  email: string;
  name: string;
  /** The attribute the email was read from (`NameID` for the NameID): a fallback shows here. */
  emailFrom: string;
}

/** Why the assertion's values cannot make an identity, for the sign-in log. */
export class MappingError extends Error {
  readonly code: 'USER_ID_MISSING' | 'EMAIL_MISSING' | 'EMAIL_INVALID';
  readonly detail: Record<string, string>;
  constructor(code: MappingError['code'], message: string, detail: Record<string, string>) {
    super(message);
    this.name = 'MappingError';
    this.code = code;
    this.detail = detail;
  }
}

export function mapIdentity(
  mapping: AttributeMapping,
  nameId: string,
  attributes: Record<string, string[]>,
): MappedIdentity {
  const first = (name: string | null): string | null =>
    name === null ? nameId : (attributes[name]?.[0]?.trim() ?? null);
  const idpUserId = first(mapping.userId);
  if (!idpUserId) {
    throw new MappingError(
      'USER_ID_MISSING',
      `The assertion has no ${mapping.userId} attribute, which this organization uses as the IdP user id. Add that claim in your IdP, or change the attribute mapping.`,
      { attribute: mapping.userId ?? 'NameID' },
    );
  }
  const fallback = mapping.email === null ? null : (EMAIL_FALLBACKS[mapping.email] ?? null);
  let emailFrom = mapping.email ?? 'NameID';
  let email = first(mapping.email)?.toLowerCase() ?? null;
  if (!email && fallback) {
    email = first(fallback)?.toLowerCase() ?? null;
    emailFrom = fallback;
  }
  if (!email) {
    const attribute = fallback ? `${mapping.email} (nor ${fallback})` : (mapping.email ?? 'NameID');
    throw new MappingError(
      'EMAIL_MISSING',
      `The assertion has no ${attribute} attribute, which this organization uses as the email. IdPs leave it out when the user has no email address: give the user one at the IdP (Entra and Federa Directory: the user's Email), or change the attribute mapping.`,
      { attribute },
    );
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
    throw new MappingError(
      'EMAIL_INVALID',
      `The value of ${emailFrom} is not an email address. Map the email attribute to a claim that holds the user's email.`,
      { attribute: emailFrom },
    );
  }
  const given = mapping.firstName ? (attributes[mapping.firstName]?.[0]?.trim() ?? '') : '';
  const family = mapping.lastName ? (attributes[mapping.lastName]?.[0]?.trim() ?? '') : '';
  // Entra sends displayname for every user; it names people whose first and last name are empty.
  const display = attributes[ENTRA_CLAIMS.displayName]?.[0]?.trim() ?? '';
  const name = `${given} ${family}`.trim() || display || email;
  return { idpUserId, email, name: name.slice(0, 100), emailFrom };
}
