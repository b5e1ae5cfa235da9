import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  listResponse,
  paginate,
  readPage,
  resourceTypes,
  ScimError,
  schemas,
  serviceProviderConfig,
} from '../src/index.ts';

const BASE = 'http://localhost:5000/api/0/organizations/acme/scim/v2/';

describe('discovery documents', () => {
  it('publishes what the core supports in /ServiceProviderConfig', () => {
    const config = serviceProviderConfig({ baseUrl: BASE });
    assert.deepEqual(config.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    assert.equal(config.patch.supported, true);
    assert.deepEqual(config.filter, { supported: true, maxResults: 100 });
    assert.equal(config.bulk.supported, false);
    assert.equal(config.etag.supported, true);
    assert.equal(config.authenticationSchemes[0]?.type, 'oauthbearertoken');
    assert.equal(
      config.meta.location,
      'http://localhost:5000/api/0/organizations/acme/scim/v2/ServiceProviderConfig',
    );
  });

  it('lists User (with the enterprise extension) and Group in /ResourceTypes', () => {
    const types = resourceTypes(BASE);
    assert.deepEqual(
      types.map((type) => [type.name, type.endpoint, type.schema]),
      [
        ['User', '/Users', 'urn:ietf:params:scim:schemas:core:2.0:User'],
        ['Group', '/Groups', 'urn:ietf:params:scim:schemas:core:2.0:Group'],
      ],
    );
    assert.deepEqual(types[0]?.schemaExtensions, [
      { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false },
    ]);
  });

  it('describes userName as required, unique and not case-exact in /Schemas', () => {
    const all = schemas(BASE);
    assert.equal(all.length, 3);
    const userName = all[0]?.attributes.find((attribute) => attribute.name === 'userName');
    assert.deepEqual(
      [userName?.required, userName?.uniqueness, userName?.caseExact],
      [true, 'server', false],
    );
  });
});

describe('ListResponse and paging', () => {
  it('answers an empty query with totalResults 0 (what Test Connection expects)', () => {
    assert.deepEqual(listResponse([], { totalResults: 0, startIndex: 1 }), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('pages 1-based and caps count at maxResults', () => {
    assert.deepEqual(readPage({ startIndex: '0', count: '500' }, 100), {
      startIndex: 1,
      count: 100,
      offset: 0,
      limit: 100,
    });
    assert.deepEqual(readPage({}), { startIndex: 1, count: 100, offset: 0, limit: 100 });
    const page = paginate([1, 2, 3, 4, 5], readPage({ startIndex: '4', count: '10' }));
    assert.deepEqual(
      [page.Resources, page.totalResults, page.itemsPerPage, page.startIndex],
      [[4, 5], 5, 2, 4],
    );
    assert.equal(paginate([1, 2], readPage({ count: '-3' })).itemsPerPage, 0);
  });

  it('refuses a startIndex that is not an integer', () => {
    assert.throws(
      () => readPage({ startIndex: 'abc' }),
      (error: unknown) => error instanceof ScimError && error.scimType === 'invalidValue',
    );
  });
});
