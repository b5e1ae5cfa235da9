// JSON schemas of the admin API's objects. Each is added to the API's scope with its `$id`, so that
// routes refer to it (`{ $ref: 'User#' }`) and the OpenAPI document lists it once under components.
// Response schemas also decide what leaves the server: a property not listed here is not sent.

/** Where the admin API lives. */
export const API_PREFIX = '/api/v1';

const nullableString = { type: ['string', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

/** A GUID as Federa makes them (crypto.randomUUID) or as an admin types one. */
export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const guid = { type: 'string', pattern: GUID_PATTERN } as const;

export const ErrorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every refusal: a stable code, a message saying what to change, the field it concerns.',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'correlationId'],
      properties: {
        code: { type: 'string', description: 'Stable: scripts branch on it, never on the message.' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The request property that is wrong, when one is.' },
        fields: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Every field that is wrong → what is wrong with it (validation failures).',
        },
        correlationId: { type: 'string' },
      },
    },
  },
} as const;

export const OrganizationSchema = {
  $id: 'Organization',
  type: 'object',
  description: 'The tenant the token belongs to (Graph: organization).',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    verifiedDomains: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, isDefault: { type: 'boolean' } },
      },
    },
    createdDateTime: dateTime,
  },
} as const;

export const UserSchema = {
  $id: 'User',
  type: 'object',
  properties: {
    id: { type: 'string' },
    userPrincipalName: { type: 'string' },
    displayName: { type: 'string' },
    mail: nullableString,
    givenName: nullableString,
    surname: nullableString,
    accountEnabled: { type: 'boolean', description: 'false: sign-in is blocked.' },
    isAdmin: { type: 'boolean', description: 'Global Administrator: may use the portal.' },
    lockedUntil: { ...nullableDateTime, description: 'Smart Lockout: refused until then.' },
    passwordProfile: {
      type: 'object',
      description: 'Graph’s passwordProfile, never with the password.',
      properties: {
        forceChangePasswordNextSignIn: {
          type: 'boolean',
          description: 'The password is temporary: the user chooses a new one at the next sign-in.',
        },
      },
    },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const UserWithPasswordSchema = {
  $id: 'UserWithPassword',
  type: 'object',
  description: 'A user and the password just set: returned once, never again.',
  properties: {
    user: { $ref: 'User#' },
    password: { type: 'string' },
  },
} as const;

export const GroupSchema = {
  $id: 'Group',
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    description: nullableString,
    memberCount: { type: 'integer' },
    createdAt: dateTime,
  },
} as const;

export const GalleryTemplateSchema = {
  $id: 'ApplicationTemplate',
  type: 'object',
  description: 'An entry of the application gallery (Graph: applicationTemplate).',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    publisher: { type: 'string' },
    description: { type: 'string' },
    fields: {
      type: 'array',
      description: 'What POST /applications needs besides the template.',
      items: { type: 'object', properties: { name: { type: 'string' }, label: { type: 'string' } } },
    },
  },
} as const;

export const ApplicationSummarySchema = {
  $id: 'ApplicationSummary',
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Object id of the enterprise application.' },
    appId: { type: 'string', description: 'Application (client) id: what the metadata URL names.' },
    displayName: { type: 'string' },
    galleryTemplate: { type: 'string' },
    enabledForSignIn: { type: 'boolean' },
    visibleToUsers: { type: 'boolean' },
    createdAt: dateTime,
  },
} as const;

const identifierItem = {
  type: 'object',
  properties: { identifier: { type: 'string' }, isDefault: { type: 'boolean' } },
} as const;
const replyUrlItem = {
  type: 'object',
  properties: {
    url: { type: 'string' },
    index: { type: ['integer', 'null'] },
    isDefault: { type: 'boolean' },
  },
} as const;

export const ClaimSchema = {
  $id: 'Claim',
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    namespace: nullableString,
    source: { type: 'string', description: 'A user attribute, e.g. user.mail.' },
  },
} as const;

export const SamlSettingsSchema = {
  $id: 'SamlSettings',
  type: 'object',
  description:
    'The application’s single sign-on page: Basic SAML Configuration, Attributes & Claims, signing.',
  properties: {
    identifiers: { type: 'array', items: identifierItem },
    replyUrls: { type: 'array', items: replyUrlItem },
    signOnUrl: nullableString,
    relayState: nullableString,
    logoutUrl: nullableString,
    logoutResponseUrl: {
      ...nullableString,
      description:
        'Where LogoutResponses go when the SP metadata’s SingleLogoutService has a ResponseLocation.',
    },
    nameId: {
      type: 'object',
      properties: { source: { type: 'string' }, format: { type: 'string' } },
    },
    claims: { type: 'array', items: { $ref: 'Claim#' } },
    groupClaim: {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['none', 'all', 'assigned'] },
        source: { type: 'string', enum: ['objectId', 'displayName'] },
      },
    },
    roleClaim: { type: 'boolean' },
    signingOption: { type: 'string', enum: ['assertion', 'response', 'both'] },
    signingAlgorithm: { type: 'string', enum: ['sha256', 'sha1'] },
    allowSha1Requests: {
      type: 'boolean',
      description: 'Whether the application’s requests may be signed with RSA-SHA1 (Entra’s opt-in).',
    },
    notificationEmails: { type: 'array', items: { type: 'string' } },
    spSigningCertificateCount: {
      type: 'integer',
      description: 'Certificates from uploaded SP metadata that signed AuthnRequests are checked with.',
    },
  },
} as const;

export const ApplicationSchema = {
  $id: 'Application',
  type: 'object',
  properties: {
    ...ApplicationSummarySchema.properties,
    assignmentRequired: { type: 'boolean' },
    saml: { $ref: 'SamlSettings#' },
    federationMetadataUrl: { type: 'string' },
    userAccessUrl: { type: 'string' },
    updatedAt: dateTime,
  },
} as const;

export const FederationMetadataUrlSchema = {
  $id: 'FederationMetadataUrl',
  type: 'object',
  description: 'What an application’s administrator copies from the single sign-on page.',
  properties: {
    federationMetadataUrl: { type: 'string', description: 'App Federation Metadata URL (signed).' },
    entityId: { type: 'string', description: 'The IdP’s Identifier (issuer).' },
    loginUrl: { type: 'string', description: 'SAML SSO and SLO endpoint.' },
    userAccessUrl: { type: 'string', description: 'IdP-initiated sign-in (My Apps tile).' },
    appId: { type: 'string' },
    tenantId: { type: 'string' },
  },
} as const;

export const CertificateSchema = {
  $id: 'Certificate',
  type: 'object',
  properties: {
    id: { type: 'string' },
    thumbprint: { type: 'string', description: 'SHA-1 of the DER, upper-case hex (as Entra shows it).' },
    notBefore: dateTime,
    expiresAt: dateTime,
    isActive: { type: 'boolean' },
    createdAt: dateTime,
  },
} as const;

export const AppRoleSchema = {
  $id: 'AppRole',
  type: 'object',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    value: nullableString,
    description: nullableString,
    createdAt: dateTime,
  },
} as const;

export const AssignmentSchema = {
  $id: 'Assignment',
  type: 'object',
  description: 'A user or group assigned to the application with an app role (Graph: appRoleAssignment).',
  properties: {
    id: { type: 'string' },
    principalType: { type: 'string', enum: ['user', 'group'] },
    principalId: { type: 'string' },
    principalName: { type: 'string' },
    appRoleId: { type: 'string' },
    roleName: { type: 'string' },
    createdAt: dateTime,
  },
} as const;

export const SignInLogSchema = {
  $id: 'SignInLog',
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: dateTime,
    userId: nullableString,
    userPrincipalName: nullableString,
    applicationId: nullableString,
    appDisplayName: nullableString,
    appIdentifier: nullableString,
    result: { type: 'string', enum: ['success', 'failure', 'interrupted'] },
    errorCode: nullableString,
    failureReason: nullableString,
    checkName: nullableString,
    correlationId: { type: 'string' },
    requestId: { type: 'string' },
    ipAddress: nullableString,
    userAgent: nullableString,
    federaSamlIds: {
      type: 'object',
      description:
        'Federa extension (Graph’s signIn has no such property): the SAML ids of the attempt, which the service provider’s own log shows too. authnRequestId is the SP’s request answered (null when IdP-initiated); responseId and assertionId are this IdP’s (null where none was issued).',
      properties: {
        authnRequestId: nullableString,
        responseId: nullableString,
        assertionId: nullableString,
      },
    },
    authenticationRequirement: {
      type: ['string', 'null'],
      enum: ['singleFactorAuthentication', 'multiFactorAuthentication', null],
      description:
        'As Graph’s signIn: whether the sign-in needed a second factor (null for rows from before MFA).',
    },
    authenticationDetails: {
      type: 'array',
      description:
        'As Graph’s signIn.authenticationDetails: each factor of the sign-in, when, and whether it succeeded.',
      items: {
        type: 'object',
        properties: {
          authenticationStepDateTime: dateTime,
          authenticationMethod: { type: 'string' },
          succeeded: { type: 'boolean' },
          authenticationStepResultDetail: { type: 'string' },
          authenticationStepRequirement: { type: 'string' },
        },
      },
    },
    conditionalAccessStatus: {
      type: 'string',
      enum: ['success', 'failure', 'notApplied'],
      description: 'As Graph’s signIn: whether the Conditional Access policies that applied were satisfied.',
    },
    appliedConditionalAccessPolicies: {
      type: 'array',
      description:
        'As Graph’s signIn: every policy evaluated, with its result (report-only ones as reportOnly…), the grant and session controls it enforced, and (beta’s conditionsNotSatisfied) the first condition not met.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          displayName: { type: 'string' },
          enforcedGrantControls: { type: 'array', items: { type: 'string' } },
          enforcedSessionControls: { type: 'array', items: { type: 'string' } },
          result: {
            type: 'string',
            enum: [
              'success',
              'failure',
              'notApplied',
              'notEnabled',
              'reportOnlySuccess',
              'reportOnlyFailure',
              'reportOnlyNotApplied',
            ],
          },
          conditionsNotSatisfied: nullableString,
        },
      },
    },
  },
} as const;

export const SHARED_SCHEMAS = [
  ErrorSchema,
  OrganizationSchema,
  UserSchema,
  UserWithPasswordSchema,
  GroupSchema,
  GalleryTemplateSchema,
  ApplicationSummarySchema,
  ClaimSchema,
  SamlSettingsSchema,
  ApplicationSchema,
  FederationMetadataUrlSchema,
  CertificateSchema,
  AppRoleSchema,
  AssignmentSchema,
  SignInLogSchema,
];

/** `{ value: [ … ] }`, Graph's collection shape. */
export function collection(ref: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: { value: { type: 'array', items: { $ref: `${ref}#` } }, ...extra },
  } as const;
}

export const ref = (id: string) => ({ $ref: `${id}#` }) as const;

/** The refusals every authenticated route can answer with, for the OpenAPI document. */
export function refusals(...statuses: number[]): Record<number, { $ref: string; description: string }> {
  const text: Record<number, string> = {
    400: 'The request is not valid (see error.field).',
    401: 'No token, or a token that is unknown, revoked or expired.',
    404: 'Not found in the token’s tenant.',
    403: 'Not allowed (e.g. the token’s own administrator blocking or deleting themself).',
    409: 'Conflicts with what exists (e.g. the name is taken).',
  };
  return Object.fromEntries(
    [401, ...statuses].map((s) => [s, { $ref: 'Error#', description: text[s] ?? 'Refused.' }]),
  );
}
