import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimError, toScimErrorBody } from '../src/index.ts';

describe('RFC 7644 §3.12 error bodies', () => {
  it('carries the Error schema, the status as a string, scimType and detail', () => {
    const body = toScimErrorBody(new ScimError('invalidFilter', 'Invalid filter: it is empty.'));
    assert.deepEqual(body, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Invalid filter: it is empty.',
    });
  });

  it('gives uniqueness 409 and sensitive 403, as the RFC table does', () => {
    assert.equal(new ScimError('uniqueness', 'User already exists in the database.').status, 409);
    assert.equal(toScimErrorBody(new ScimError('uniqueness', 'x')).status, '409');
    assert.equal(new ScimError('sensitive', 'x').status, 403);
    assert.equal(new ScimError('noTarget', 'x').status, 400);
  });

  it('builds a body without scimType for errors that have none (404, 412)', () => {
    assert.deepEqual(toScimErrorBody({ status: 404, detail: 'User not found.' }), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User not found.',
    });
  });
});
