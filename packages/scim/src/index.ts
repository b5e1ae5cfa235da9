// @federa/scim: the SCIM 2.0 core (RFC 7643/7644). Pure: no HTTP, database or environment.
// The Workspace's SCIM server and the Directory's provisioning client both stand on it.

export { ERROR_SCHEMA, ScimError, type ScimErrorBody, type ScimType, toScimErrorBody } from './errors.ts';
export {
  type Compare,
  type CompareOperator,
  type CompareValue,
  compileFilter,
  compileValueFilter,
  type Filter,
  filterPredicate,
  type Logical,
  type Not,
  type ParseFilterOptions,
  type Present,
  parseFilter,
  type ValuePath,
} from './filter.ts';
export { type ListResponse, listResponse, type Page, paginate, readPage } from './list-response.ts';
export {
  type ApplyPatchOptions,
  applyPatch,
  type PatchOperation,
  type PatchRequest,
  type PatchResult,
} from './patch.ts';
export { type PatchPath, parsePatchPath } from './path.ts';
export {
  type Attribute,
  type AttributeType,
  attribute,
  findAttribute,
  type Schema,
} from './schemas/attributes.ts';
export { COMMON_ATTRIBUTES, type Meta } from './schemas/common.ts';
export {
  DEFAULT_MAX_RESULTS,
  type ResourceTypeRepresentation,
  resourceTypes,
  type SchemaRepresentation,
  type ServiceProviderConfig,
  type ServiceProviderConfigOptions,
  schemas,
  serviceProviderConfig,
} from './schemas/discovery.ts';
export { GROUP_SCHEMA_DEFINITION, type GroupMember, type ScimGroup } from './schemas/group.ts';
export {
  GROUP_RESOURCE,
  isSchemaOf,
  type ResolvedAttribute,
  type ResourceDefinition,
  resolveAttribute,
  USER_RESOURCE,
} from './schemas/resource-type.ts';
export {
  ENTERPRISE_USER_SCHEMA,
  ENTRA_GROUP_SCHEMA,
  GROUP_SCHEMA,
  LIST_RESPONSE_SCHEMA,
  PATCH_OP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './schemas/urns.ts';
export {
  type Address,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  type EnterpriseUser,
  type MultiValue,
  type Name,
  type ScimUser,
  USER_SCHEMA_DEFINITION,
  type UserGroup,
} from './schemas/user.ts';
