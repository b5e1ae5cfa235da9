import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scimPatch } from 'scim-patch';
import {
  applyPatch,
  ENTERPRISE_USER_SCHEMA,
  GROUP_RESOURCE,
  type PatchOperation,
  ScimError,
  type ScimType,
  USER_RESOURCE,
  USER_SCHEMA,
} from '../src/index.ts';

type LibResource = Parameters<typeof scimPatch>[0];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const body = (...Operations: PatchOperation[]) => ({ schemas: [PATCH_OP], Operations });

function user() {
  return {
    schemas: [USER_SCHEMA],
    id: 'u1',
    externalId: 'obj-1',
    userName: 'B.Simon@contoso.com',
    displayName: 'B. Simon',
    name: { givenName: 'B.', familyName: 'Simon' },
    active: true,
    emails: [{ type: 'work', value: 'b.simon@contoso.com', primary: true }],
  };
}
function group() {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'g1',
    displayName: 'Sales',
    members: [{ value: 'u1', display: 'B. Simon' }, { value: 'u2' }, { value: 'u3' }],
  };
}
const patchUser = (...ops: PatchOperation[]) =>
  applyPatch(user(), body(...ops), USER_RESOURCE).resource as Record<string, unknown>;
const patchGroup = (...ops: PatchOperation[]) =>
  applyPatch(group(), body(...ops), GROUP_RESOURCE).resource as ReturnType<typeof group>;

function refuses(fn: () => unknown, scimType: ScimType, mentions: RegExp): void {
  assert.throws(
    fn,
    (error: unknown) =>
      error instanceof ScimError && error.scimType === scimType && mentions.test(error.message),
  );
}

describe("Entra's default dialect (as captured in public reports)", () => {
  it('disables with {"op":"Replace","path":"active","value":"False"}', () => {
    assert.equal(patchUser({ op: 'Replace', path: 'active', value: 'False' }).active, false);
  });

  it('disables with "Add" on active (rancher#54025) and re-enables with "True"', () => {
    assert.equal(patchUser({ op: 'Add', path: 'active', value: 'False' }).active, false);
    assert.equal(patchUser({ op: 'Add', path: 'active', value: 'false' }).active, false);
    assert.equal(patchUser({ op: 'Replace', path: 'active', value: 'True' }).active, true);
  });

  it('updates the work email and name one op per path', () => {
    const patched = patchUser(
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'b.simon@fabrikam.com' },
      { op: 'Replace', path: 'name.familyName', value: 'Simons' },
      { op: 'Replace', path: 'displayName', value: 'Britta Simons' },
    );
    assert.deepEqual(patched.emails, [{ type: 'work', value: 'b.simon@fabrikam.com', primary: true }]);
    assert.deepEqual(patched.name, { givenName: 'B.', familyName: 'Simons' });
    assert.equal(patched.displayName, 'Britta Simons');
  });

  it('creates the work email when the user has none', () => {
    const { resource } = applyPatch(
      { schemas: [USER_SCHEMA], userName: 'x@contoso.com' },
      body({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@contoso.com' }),
      USER_RESOURCE,
    );
    assert.deepEqual((resource as Record<string, unknown>).emails, [
      { type: 'work', value: 'x@contoso.com' },
    ]);
  });

  it('renames a group and adds members sent with "$ref": null', () => {
    const patched = patchGroup(
      { op: 'Replace', path: 'displayName', value: 'Sales EMEA' },
      {
        op: 'Add',
        path: 'members',
        value: [
          { $ref: null, value: 'u4' },
          { $ref: null, value: 'u2' },
        ],
      },
    );
    assert.equal(patched.displayName, 'Sales EMEA');
    assert.deepEqual(
      patched.members.map((member) => member.value),
      ['u1', 'u2', 'u3', 'u4'],
    );
    assert.deepEqual(patched.members[3], { value: 'u4' });
  });

  it('removes EVERY member of a value list, not only the first (unlike Sentry)', () => {
    const patched = patchGroup({
      op: 'Remove',
      path: 'members',
      value: [
        { $ref: null, value: 'u1' },
        { $ref: null, value: 'u3' },
      ],
    });
    assert.deepEqual(patched.members, [{ value: 'u2' }]);
  });

  it('leaves the group without members when the list names them all', () => {
    const patched = patchGroup({
      op: 'Remove',
      path: 'members',
      value: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }],
    });
    assert.equal('members' in patched, false);
  });
});

describe('the aadOptscim062020 dialect', () => {
  it('disables with a real boolean and a lowercase op', () => {
    assert.equal(patchUser({ op: 'replace', path: 'active', value: false }).active, false);
    assert.equal(patchUser({ op: 'add', path: 'active', value: false }).active, false);
  });

  it('applies a pathless value map with dotted and URN-qualified keys', () => {
    const patched = patchUser({
      op: 'replace',
      value: {
        active: false,
        displayName: 'Britta Simon',
        'name.givenName': 'Britta',
        [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '701984',
      },
    });
    assert.equal(patched.active, false);
    assert.equal(patched.displayName, 'Britta Simon');
    assert.deepEqual(patched.name, { givenName: 'Britta', familyName: 'Simon' });
    assert.deepEqual(patched[ENTERPRISE_USER_SCHEMA], { employeeNumber: '701984' });
    assert.deepEqual(patched.schemas, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('removes a member with members[value eq "…"]', () => {
    assert.deepEqual(
      patchGroup({ op: 'remove', path: 'members[value eq "u2"]' }).members.map((m) => m.value),
      ['u1', 'u3'],
    );
  });

  it('renames a group with a pathless value map', () => {
    assert.equal(
      patchGroup({ op: 'replace', value: { displayName: 'Sales EMEA' } }).displayName,
      'Sales EMEA',
    );
  });
});

describe('atomicity', () => {
  it('changes nothing when one operation of a batch is bad', () => {
    const original = user();
    const before = structuredClone(original);
    refuses(
      () =>
        applyPatch(
          original,
          body(
            { op: 'Replace', path: 'displayName', value: 'Changed' },
            { op: 'Replace', path: 'active', value: 'False' },
            { op: 'Replace', path: 'active', value: 'maybe' },
          ),
          USER_RESOURCE,
        ),
      'invalidValue',
      /'active' must be a boolean, not "maybe"/,
    );
    assert.deepEqual(original, before);
  });

  it('returns a new object and leaves the input as it was on success', () => {
    const original = group();
    const { resource } = applyPatch(original, body({ op: 'remove', path: 'members' }), GROUP_RESOURCE);
    assert.notEqual(resource, original);
    assert.equal(original.members.length, 3);
  });
});

describe('malformed requests are refused with what was wrong', () => {
  it('needs the PatchOp schema and a non-empty Operations list', () => {
    refuses(() => applyPatch(user(), { Operations: [] }, USER_RESOURCE), 'invalidSyntax', /schemas/);
    refuses(
      () => applyPatch(user(), { schemas: [PATCH_OP], Operations: [] }, USER_RESOURCE),
      'invalidSyntax',
      /non-empty/,
    );
    refuses(() => applyPatch(user(), 'nope', USER_RESOURCE), 'invalidSyntax', /JSON object/);
  });

  it('refuses an unknown op, naming it', () => {
    refuses(() => patchUser({ op: 'Merge', path: 'active', value: false }), 'invalidSyntax', /"Merge"/);
  });

  it('refuses add or replace without a value', () => {
    refuses(() => patchUser({ op: 'Replace', path: 'active' }), 'invalidSyntax', /no "value"/);
  });

  it('refuses a remove without a path (noTarget), in either case of "remove"', () => {
    refuses(() => patchUser({ op: 'Remove' }), 'noTarget', /no "path"/);
  });

  it('refuses malformed paths with invalidPath', () => {
    refuses(
      () => patchUser({ op: 'replace', path: 'emails[type eq work].value', value: 'x' }),
      'invalidPath',
      /double quotes/,
    );
    refuses(
      () => patchUser({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }),
      'invalidPath',
      /attribute\[filter\]/,
    );
    refuses(
      () => patchUser({ op: 'replace', path: 'display name', value: 'x' }),
      'invalidPath',
      /not an attribute path/,
    );
    refuses(
      () => patchUser({ op: 'replace', path: 'displayName[value eq "x"]', value: 'x' }),
      'invalidPath',
      /not multi-valued/,
    );
  });

  it('refuses a value filter that matches nothing (noTarget)', () => {
    refuses(
      () => patchGroup({ op: 'replace', path: 'members[value eq "u9"]', value: { value: 'u9' } }),
      'noTarget',
      /members/,
    );
  });

  it('refuses values of the wrong type and removing a required attribute', () => {
    refuses(
      () => patchUser({ op: 'replace', path: 'displayName', value: 5 }),
      'invalidValue',
      /'displayName' must be a string/,
    );
    refuses(() => patchUser({ op: 'replace', value: 'x' }), 'invalidValue', /object of attributes/);
    refuses(() => patchUser({ op: 'remove', path: 'userName' }), 'invalidValue', /required/);
  });

  it('refuses changing read-only attributes by path (mutability) and skips them inside a value map', () => {
    refuses(() => patchUser({ op: 'replace', path: 'id', value: 'u2' }), 'mutability', /read-only/);
    refuses(
      () => patchUser({ op: 'add', path: 'groups', value: [{ value: 'g1' }] }),
      'mutability',
      /read-only/,
    );
    const { resource, ignored } = applyPatch(
      user(),
      body({ op: 'replace', value: { id: 'u2', displayName: 'X' } }),
      USER_RESOURCE,
    );
    assert.equal((resource as Record<string, unknown>).id, 'u1');
    assert.deepEqual(ignored, ['id']);
  });

  it('ignores attributes the resource type does not have, and reports them', () => {
    const { resource, ignored } = applyPatch(
      user(),
      body(
        { op: 'Replace', path: 'urn:example:custom:color', value: 'blue' },
        { op: 'Add', path: 'shoeSize', value: '9' },
      ),
      USER_RESOURCE,
    );
    assert.deepEqual(resource, user());
    assert.deepEqual(ignored, ['urn:example:custom:color', 'shoeSize']);
  });

  it('cannot pollute Object.prototype (scim-patch 0.8.3 can)', () => {
    const attempts: PatchOperation[] = [
      { op: 'add', value: JSON.parse('{"constructor.prototype.polluted":"yes"}') },
      { op: 'add', value: JSON.parse('{"__proto__":{"polluted":"yes"}}') },
      { op: 'add', path: 'constructor.prototype.polluted', value: 'yes' },
      { op: 'add', path: '__proto__.polluted', value: 'yes' },
    ];
    for (const attempt of attempts) {
      refuses(() => applyPatch(user(), body(attempt), USER_RESOURCE), 'invalidPath', /not an attribute path/);
    }
    const { ignored } = applyPatch(
      user(),
      body({ op: 'add', path: 'constructor', value: { prototype: { polluted: 'yes' } } }),
      USER_RESOURCE,
    );
    assert.deepEqual(ignored, ['constructor']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('agrees with scim-patch on the RFC shapes it handles', () => {
  const shapes: [string, PatchOperation[]][] = [
    ['replace a simple attribute', [{ op: 'replace', path: 'displayName', value: 'X' }]],
    ['replace a sub-attribute', [{ op: 'replace', path: 'name.familyName', value: 'Y' }]],
    [
      'replace through a value filter',
      [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'n@x.com' }],
    ],
    ['add an email', [{ op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x.com' }] }]],
    ['remove an attribute', [{ op: 'remove', path: 'displayName' }]],
    ['remove by value filter', [{ op: 'remove', path: 'emails[type eq "work"]' }]],
    ['pathless replace', [{ op: 'replace', value: { displayName: 'Z', active: false } }]],
  ];
  for (const [name, operations] of shapes) {
    it(name, () => {
      const ours = applyPatch(user(), body(...operations), USER_RESOURCE).resource;
      const theirs = scimPatch(
        user() as unknown as LibResource,
        operations as Parameters<typeof scimPatch>[1],
        {
          mutateDocument: false,
          treatMissingAsAdd: true,
        },
      );
      assert.deepEqual(ours, theirs);
    });
  }

  it('removes group members the way scim-patch does for members[value eq]', () => {
    const operations: PatchOperation[] = [{ op: 'remove', path: 'members[value eq "u2"]' }];
    assert.deepEqual(
      applyPatch(group(), body(...operations), GROUP_RESOURCE).resource,
      scimPatch(group() as unknown as LibResource, operations as Parameters<typeof scimPatch>[1], {
        mutateDocument: false,
      }),
    );
  });
});
