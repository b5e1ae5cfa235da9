// JSON schemas of the Conditional Access objects of the admin API, in Graph's shapes. Response schemas
// decide what leaves the server, so every property Graph has (and Federa keeps) is listed.

const strings = { type: 'array', items: { type: 'string' } } as const;
const nullableString = { type: ['string', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const NamedLocationSchema = {
  $id: 'NamedLocation',
  type: 'object',
  description: 'Graph’s ipNamedLocation: IPv4 and IPv6 CIDR ranges, trusted or not.',
  properties: {
    '@odata.type': { type: 'string', enum: ['#microsoft.graph.ipNamedLocation'] },
    id: { type: 'string' },
    displayName: { type: 'string' },
    isTrusted: { type: 'boolean' },
    ipRanges: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          '@odata.type': {
            type: 'string',
            enum: ['#microsoft.graph.iPv4CidrRange', '#microsoft.graph.iPv6CidrRange'],
          },
          cidrAddress: { type: 'string' },
        },
      },
    },
    createdDateTime: dateTime,
    modifiedDateTime: nullableDateTime,
  },
} as const;

const includeExclude = (include: string, exclude: string) =>
  ({
    type: ['object', 'null'],
    properties: { [include]: strings, [exclude]: strings },
  }) as const;

export const ConditionalAccessPolicySchema = {
  $id: 'ConditionalAccessPolicy',
  type: 'object',
  description: 'Graph’s conditionalAccessPolicy, the parts Federa Directory evaluates.',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    state: { type: 'string', enum: ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] },
    createdDateTime: dateTime,
    modifiedDateTime: nullableDateTime,
    conditions: {
      type: 'object',
      properties: {
        users: {
          type: 'object',
          properties: {
            includeUsers: strings,
            excludeUsers: strings,
            includeGroups: strings,
            excludeGroups: strings,
          },
        },
        applications: includeExclude('includeApplications', 'excludeApplications'),
        locations: includeExclude('includeLocations', 'excludeLocations'),
        platforms: includeExclude('includePlatforms', 'excludePlatforms'),
        clientAppTypes: strings,
      },
    },
    grantControls: {
      type: ['object', 'null'],
      properties: {
        operator: { type: 'string', enum: ['AND', 'OR'] },
        builtInControls: strings,
        authenticationStrength: {
          type: ['object', 'null'],
          properties: { id: { type: 'string' }, displayName: { type: 'string' } },
        },
      },
    },
    sessionControls: {
      type: ['object', 'null'],
      properties: {
        signInFrequency: {
          type: ['object', 'null'],
          properties: {
            isEnabled: { type: 'boolean' },
            type: { type: ['string', 'null'], enum: ['hours', 'days', null] },
            value: { type: ['integer', 'null'] },
            frequencyInterval: { type: 'string', enum: ['timeBased', 'everyTime'] },
            authenticationType: nullableString,
          },
        },
        persistentBrowser: {
          type: ['object', 'null'],
          properties: { isEnabled: { type: 'boolean' }, mode: { type: 'string', enum: ['always', 'never'] } },
        },
      },
    },
  },
} as const;

export const CONDITIONAL_ACCESS_SCHEMAS = [NamedLocationSchema, ConditionalAccessPolicySchema];
