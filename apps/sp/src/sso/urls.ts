// The SAML addresses of an organization, on SP_BASE_URL. The paths are Sentry's, so an IdP gallery
// entry written for Sentry works unchanged (DESIGN.md "Addresses").

export interface SpUrls {
  /** The SP metadata URL, which is also the SP entity ID (the IdP's "Identifier"). */
  entityId: string;
  /** The assertion consumer service (the IdP's "Reply URL"). */
  acs: string;
  sls: string;
  /** The organization home: the IdP's "Sign-on URL". */
  signOn: string;
  login: string;
}

export function spUrls(baseUrl: string, slug: string): SpUrls {
  return {
    entityId: `${baseUrl}/saml/metadata/${slug}/`,
    acs: `${baseUrl}/saml/acs/${slug}/`,
    sls: `${baseUrl}/saml/sls/${slug}/`,
    signOn: `${baseUrl}/organizations/${slug}/`,
    login: `${baseUrl}/auth/login/${slug}/`,
  };
}
