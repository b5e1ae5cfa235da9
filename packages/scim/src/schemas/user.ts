// RFC 7643 §4.1 (User) and §4.3 (Enterprise User extension): the shapes and their schemas.
import { type Attribute, attribute, type Schema } from './attributes.ts';
import { type Meta, multiValuedSubAttributes } from './common.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './urns.ts';

/** RFC 7643 §4.1.1: the components of a user's name. */
export interface Name {
  formatted?: string;
  familyName?: string;
  givenName?: string;
  middleName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/** RFC 7643 §2.4: one value of a multi-valued attribute such as `emails` or `roles`. */
export interface MultiValue {
  value: string;
  display?: string;
  type?: string;
  primary?: boolean;
}

/** RFC 7643 §4.1.2: a physical mailing address. */
export interface Address {
  formatted?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  type?: string;
  primary?: boolean;
}

/** RFC 7643 §4.1.2: a group the user belongs to (read-only; changed through the Group). */
export interface UserGroup {
  value: string;
  $ref?: string;
  display?: string;
  type?: 'direct' | 'indirect';
}

/** RFC 7643 §4.3: the Enterprise User extension. */
export interface EnterpriseUser {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  manager?: { value?: string; $ref?: string; displayName?: string };
}

/** RFC 7643 §4.1: a User resource, with the Enterprise extension under its URI (§3.3). */
export interface ScimUser {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: Meta;
  userName: string;
  name?: Name;
  displayName?: string;
  nickName?: string;
  profileUrl?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  active?: boolean;
  password?: string;
  emails?: MultiValue[];
  phoneNumbers?: MultiValue[];
  addresses?: Address[];
  groups?: UserGroup[];
  roles?: MultiValue[];
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'?: EnterpriseUser;
}

const nameAttributes: Attribute[] = [
  attribute('formatted', 'The full name, formatted for display.'),
  attribute('familyName', 'The family name (last name in most Western languages).'),
  attribute('givenName', 'The given name (first name in most Western languages).'),
  attribute('middleName', 'The middle name(s).'),
  attribute('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
  attribute('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
];

/** RFC 7643 §8.7.1: the User schema as `/Schemas` publishes it. */
export const USER_SCHEMA_DEFINITION: Schema = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    // RFC 7643 §4.1.1: userName is not case-exact, so a filter on it matches in any case.
    attribute('userName', 'Unique identifier for the user, typically used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    attribute('name', "The components of the user's name.", {
      type: 'complex',
      subAttributes: nameAttributes,
    }),
    attribute('displayName', 'The name of the user, suitable for display to end-users.'),
    attribute('nickName', 'The casual way to address the user.'),
    attribute('profileUrl', "A URI of the user's online profile.", {
      type: 'reference',
      referenceTypes: ['external'],
    }),
    attribute('title', "The user's title, such as 'Vice President'."),
    attribute('userType', 'The relationship between the organization and the user.'),
    attribute('preferredLanguage', "The user's preferred written or spoken language (RFC 7231 §5.3.5)."),
    attribute('locale', "The user's default location (a language tag such as 'en-US')."),
    attribute('timezone', "The user's time zone in the IANA Time Zone database format."),
    attribute('active', "The user's administrative status: false suspends the account.", { type: 'boolean' }),
    attribute('password', "The user's cleartext password, write-only.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    attribute('emails', 'Email addresses for the user.', {
      type: 'complex',
      multiValued: true,
      subAttributes: multiValuedSubAttributes(['work', 'home', 'other']),
    }),
    attribute('phoneNumbers', 'Phone numbers for the user.', {
      type: 'complex',
      multiValued: true,
      subAttributes: multiValuedSubAttributes(['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    }),
    attribute('addresses', 'Physical mailing addresses for the user.', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attribute('formatted', 'The full mailing address, formatted for display.'),
        attribute('streetAddress', 'The full street address component.'),
        attribute('locality', 'The city or locality component.'),
        attribute('region', 'The state or region component.'),
        attribute('postalCode', 'The zip code or postal code component.'),
        attribute('country', 'The country name component (ISO 3166-1 alpha-2).'),
        attribute('type', 'A label indicating the function of the address.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attribute('primary', 'Whether this is the preferred mailing address.', { type: 'boolean' }),
      ],
    }),
    attribute('groups', 'The groups the user belongs to, changed through the Group resource.', {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attribute('value', 'The identifier of the group.', { mutability: 'readOnly' }),
        attribute('$ref', 'The URI of the group.', {
          type: 'reference',
          referenceTypes: ['User', 'Group'],
          mutability: 'readOnly',
        }),
        attribute('display', 'The name of the group.', { mutability: 'readOnly' }),
        attribute('type', 'Whether the membership is direct or indirect.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
    }),
    attribute('roles', 'Roles for the user.', {
      type: 'complex',
      multiValued: true,
      subAttributes: multiValuedSubAttributes([]),
    }),
  ],
};

/** RFC 7643 §8.7.1: the Enterprise User extension as `/Schemas` publishes it. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: Schema = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'A string identifier, typically numeric or alphanumeric, of the employee.'),
    attribute('costCenter', 'The name of a cost center.'),
    attribute('organization', 'The name of an organization.'),
    attribute('division', 'The name of a division.'),
    attribute('department', 'The name of a department.'),
    attribute('manager', "The user's manager.", {
      type: 'complex',
      subAttributes: [
        attribute('value', 'The id of the manager.'),
        attribute('$ref', 'The URI of the manager.', { type: 'reference', referenceTypes: ['User'] }),
        attribute('displayName', 'The display name of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};
