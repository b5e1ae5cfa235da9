// RFC 7643 §4.2: the Group resource and its schema.
import { attribute, type Schema } from './attributes.ts';
import type { Meta } from './common.ts';
import { GROUP_SCHEMA } from './urns.ts';

/** RFC 7643 §4.2: one member of a group. */
export interface GroupMember {
  value: string;
  $ref?: string;
  display?: string;
  type?: 'User' | 'Group';
}

/** RFC 7643 §4.2: a Group resource. */
export interface ScimGroup {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: Meta;
  displayName: string;
  members?: GroupMember[];
}

/** RFC 7643 §8.7.1: the Group schema as `/Schemas` publishes it. */
export const GROUP_SCHEMA_DEFINITION: Schema = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // RFC 7643 §4.2: "displayName ... REQUIRED".
    attribute('displayName', 'A human-readable name for the group.', { required: true }),
    attribute('members', 'A list of members of the group.', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        // Member ids are the service provider's ids: compared exactly.
        attribute('value', 'The identifier of the member.', { caseExact: true, mutability: 'immutable' }),
        attribute('$ref', 'The URI of the member.', {
          type: 'reference',
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        attribute('display', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        attribute('type', 'The type of the member.', {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};
