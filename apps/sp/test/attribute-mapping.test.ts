import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ACTIVE_DIRECTORY_MAPPING,
  ENTRA_CLAIMS,
  MappingError,
  mapIdentity,
} from '../src/providers/attribute-mapping.ts';

const OBJECT_ID = '709cd037-9bbb-4dd2-a6ce-a8838ddcb62a';

describe('Active Directory attribute mapping', () => {
  test('keys the identity on the object id and names a person without first and last name by displayname', () => {
    const identity = mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'B.Simon@contoso.com', {
      [ENTRA_CLAIMS.objectId]: [OBJECT_ID],
      [ENTRA_CLAIMS.email]: ['B.Simon@contoso.com'],
      [ENTRA_CLAIMS.displayName]: ['B.Simon'],
    });
    assert.deepEqual(identity, {
      idpUserId: OBJECT_ID,
      email: 'b.simon@contoso.com',
      name: 'B.Simon',
      emailFrom: ENTRA_CLAIMS.email,
    });
  });

  test('prefers first and last name over displayname', () => {
    const identity = mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'x', {
      [ENTRA_CLAIMS.objectId]: [OBJECT_ID],
      [ENTRA_CLAIMS.email]: ['b@contoso.com'],
      [ENTRA_CLAIMS.givenName]: ['Britta'],
      [ENTRA_CLAIMS.surname]: ['Simon'],
      [ENTRA_CLAIMS.displayName]: ['B.Simon'],
    });
    assert.equal(identity.name, 'Britta Simon');
  });

  test('takes the email from the name claim (the UPN) when Entra left emailaddress out (a user without a mailbox)', () => {
    // The tutorial's B.Simon: Name and User name only, so user.mail is empty and Entra omits emailaddress.
    const identity = mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'B.Simon@contoso.com', {
      [ENTRA_CLAIMS.objectId]: [OBJECT_ID],
      [ENTRA_CLAIMS.displayName]: ['B.Simon'],
      [ENTRA_CLAIMS.name]: ['B.Simon@contoso.com'],
    });
    assert.deepEqual(identity, {
      idpUserId: OBJECT_ID,
      email: 'b.simon@contoso.com',
      name: 'B.Simon',
      emailFrom: ENTRA_CLAIMS.name,
    });
  });

  test('prefers emailaddress over the UPN when both are sent', () => {
    const identity = mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'x', {
      [ENTRA_CLAIMS.objectId]: [OBJECT_ID],
      [ENTRA_CLAIMS.email]: ['britta@contoso.com'],
      [ENTRA_CLAIMS.name]: ['B.Simon@contoso.com'],
    });
    assert.equal(identity.email, 'britta@contoso.com');
  });

  test('refuses a user the IdP sent with neither an email nor a UPN, saying the user needs one', () => {
    assert.throws(
      () =>
        mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'admin@contoso.com', { [ENTRA_CLAIMS.objectId]: [OBJECT_ID] }),
      (error) => error instanceof MappingError && error.code === 'EMAIL_MISSING',
    );
  });

  test('refuses a UPN that is not address-shaped', () => {
    assert.throws(
      () =>
        mapIdentity(ACTIVE_DIRECTORY_MAPPING, 'x', {
          [ENTRA_CLAIMS.objectId]: [OBJECT_ID],
          [ENTRA_CLAIMS.name]: ['CONTOSO\\bsimon'],
        }),
      (error) =>
        error instanceof MappingError &&
        error.code === 'EMAIL_INVALID' &&
        error.detail.attribute === ENTRA_CLAIMS.name,
    );
  });
});
