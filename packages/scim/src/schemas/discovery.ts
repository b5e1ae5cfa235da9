// RFC 7644 §4 and RFC 7643 §5–7: the documents a server publishes at /ServiceProviderConfig,
// /ResourceTypes and /Schemas.
import type { Schema } from './attributes.ts';
import { GROUP_RESOURCE, type ResourceDefinition, USER_RESOURCE } from './resource-type.ts';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './urns.ts';

export interface ServiceProviderConfigOptions {
  /** The absolute base URL of the SCIM service, e.g. `http://localhost:5000/api/0/organizations/acme/scim/v2`. */
  baseUrl: string;
  /** The most resources a list returns (the `filter.maxResults` published; `count` is capped to it). */
  maxResults?: number;
  documentationUri?: string;
}

/** RFC 7643 §5: the ServiceProviderConfig representation. */
export interface ServiceProviderConfig {
  schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  documentationUri?: string;
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  authenticationSchemes: {
    type: string;
    name: string;
    description: string;
    specUri: string;
    primary: boolean;
  }[];
  meta: { resourceType: 'ServiceProviderConfig'; location: string };
}

/** The `count` cap when a server does not choose one (Sentry's, which Entra's gallery entry expects). */
export const DEFAULT_MAX_RESULTS = 100;

/**
 * RFC 7643 §5: what this core supports. PATCH, filters and ETags yes; bulk, sort and password
 * changes no; authentication by an OAuth bearer token (RFC 6750).
 *
 * @example
 * ```ts
 * serviceProviderConfig({ baseUrl: 'http://localhost:5000/api/0/organizations/acme/scim/v2' });
 * // { schemas: [...], patch: { supported: true }, filter: { supported: true, maxResults: 100 }, ... }
 * ```
 */
export function serviceProviderConfig(options: ServiceProviderConfigOptions): ServiceProviderConfig {
  const config: ServiceProviderConfig = {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults ?? DEFAULT_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the bearer token shown once when SCIM is enabled.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trim(options.baseUrl)}/ServiceProviderConfig`,
    },
  };
  if (options.documentationUri !== undefined) config.documentationUri = options.documentationUri;
  return config;
}

/** RFC 7643 §6: a ResourceType representation. */
export interface ResourceTypeRepresentation {
  schemas: [typeof RESOURCE_TYPE_SCHEMA];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
  meta: { resourceType: 'ResourceType'; location: string };
}

/**
 * RFC 7643 §6: the `/ResourceTypes` representations (User with the Enterprise extension, Group).
 * Servers return them in a ListResponse (see {@link listResponse}).
 *
 * @example
 * ```ts
 * resourceTypes('https://sp.example/scim/v2').map((type) => type.endpoint); // ['/Users', '/Groups']
 * ```
 */
export function resourceTypes(
  baseUrl: string,
  resources: ResourceDefinition[] = [USER_RESOURCE, GROUP_RESOURCE],
): ResourceTypeRepresentation[] {
  return resources.map((resource) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resource.name,
    name: resource.name,
    endpoint: resource.endpoint,
    description: resource.description,
    schema: resource.schema.id,
    schemaExtensions: resource.extensions.map((extension) => ({
      schema: extension.schema.id,
      required: extension.required,
    })),
    meta: { resourceType: 'ResourceType', location: `${trim(baseUrl)}/ResourceTypes/${resource.name}` },
  }));
}

/** RFC 7643 §7: a Schema representation. */
export interface SchemaRepresentation extends Schema {
  schemas: [typeof SCHEMA_SCHEMA];
  meta: { resourceType: 'Schema'; location: string };
}

/**
 * RFC 7643 §7: the `/Schemas` representations of every schema the resource types use (User,
 * Enterprise User, Group). Servers return them in a ListResponse.
 *
 * @example
 * ```ts
 * schemas('https://sp.example/scim/v2').map((schema) => schema.id);
 * // ['urn:ietf:params:scim:schemas:core:2.0:User', '…:extension:enterprise:2.0:User', '…:core:2.0:Group']
 * ```
 */
export function schemas(
  baseUrl: string,
  resources: ResourceDefinition[] = [USER_RESOURCE, GROUP_RESOURCE],
): SchemaRepresentation[] {
  const all = resources.flatMap((resource) => [
    resource.schema,
    ...resource.extensions.map((extension) => extension.schema),
  ]);
  return all.map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    ...schema,
    meta: { resourceType: 'Schema', location: `${trim(baseUrl)}/Schemas/${schema.id}` },
  }));
}

function trim(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}
