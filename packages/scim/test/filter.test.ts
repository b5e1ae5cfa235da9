import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filter as libFilter, parse as libParse } from 'scim2-parse-filter';
import {
  ENTERPRISE_USER_SCHEMA,
  filterPredicate,
  GROUP_RESOURCE,
  parseFilter,
  ScimError,
  USER_RESOURCE,
  USER_SCHEMA,
} from '../src/index.ts';

const bSimon = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c12ee2b2',
  userName: 'B.Simon@contoso.com',
  displayName: 'B. Simon',
  name: { givenName: 'B.', familyName: 'Simon' },
  active: true,
  title: '',
  emails: [
    { type: 'work', value: 'b.simon@contoso.com', primary: true },
    { type: 'home', value: 'britta@example.org' },
  ],
  meta: { resourceType: 'User', lastModified: '2025-06-01T12:00:00Z' },
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Sales' },
};
const team = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Sales Team',
  members: [{ value: 'u1' }, { value: 'u2' }],
};

const matchesUser = (text: string) => filterPredicate(text, USER_RESOURCE)(bSimon);

function refusesFilter(text: string, mentions: RegExp): void {
  assert.throws(
    () => filterPredicate(text, USER_RESOURCE),
    (error: unknown) =>
      error instanceof ScimError &&
      error.scimType === 'invalidFilter' &&
      error.status === 400 &&
      mentions.test(error.message),
  );
}

describe('filters Entra sends', () => {
  it('finds a user by userName in any case (userName is not caseExact)', () => {
    assert.equal(matchesUser('userName eq "b.simon@CONTOSO.com"'), true);
    assert.equal(matchesUser('userName eq "someone@contoso.com"'), false);
  });

  it('matches externalId exactly (caseExact)', () => {
    assert.equal(matchesUser('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c12ee2b2"'), true);
    assert.equal(matchesUser('externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C12EE2B2"'), false);
  });

  it('finds a group by displayName and by member', () => {
    assert.equal(filterPredicate('displayName eq "sales team"', GROUP_RESOURCE)(team), true);
    assert.equal(filterPredicate('members[value eq "u2"]', GROUP_RESOURCE)(team), true);
    assert.equal(filterPredicate('members[value eq "u3"]', GROUP_RESOURCE)(team), false);
  });

  it('reads emails[type eq "work"].value eq "x" as one condition on the same email', () => {
    assert.equal(matchesUser('emails[type eq "work"].value eq "B.Simon@contoso.com"'), true);
    // the home address is not the work one: scim2-parse-filter says true here
    assert.equal(matchesUser('emails[type eq "work"].value eq "britta@example.org"'), false);
    assert.equal(libFilter(libParse('emails[type eq "work"].value eq "britta@example.org"'))(bSimon), true);
  });

  it('takes attribute names, operators and keywords in any case', () => {
    assert.equal(matchesUser('USERNAME EQ "b.simon@contoso.com" AND Active Eq TRUE'), true);
    assert.equal(matchesUser('name.GIVENNAME sw "b"'), true);
  });
});

describe('the rest of RFC 7644 §3.4.2.2', () => {
  const cases: [string, boolean][] = [
    ['userName eq "x" or displayName co "simon"', true],
    ['userName eq "x" or displayName co "simon" and active eq false', false],
    ['(userName eq "x" or displayName co "simon") and active eq true', true],
    ['not (active eq false)', true],
    ['not active eq true', false],
    ['displayName pr', true],
    ['title pr', false],
    ['nickName pr', false],
    ['displayName sw "b. s"', true],
    ['displayName ew "SIMON"', true],
    ['emails co "example.org"', true],
    ['emails.value ew "@contoso.com"', true],
    ['emails[type eq "home" and value co "britta"]', true],
    ['meta.lastModified gt "2025-01-01T00:00:00Z"', true],
    ['meta.lastModified lt "2025-06-01T11:00:00+00:00"', false],
    ['meta.lastModified ge "2025-06-01T14:00:00+02:00"', true],
    ['userName gt "a"', true],
    ['userName le "A"', false],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "701984"`, true],
    [`${USER_SCHEMA}:userName eq "b.simon@contoso.com"`, true],
    ['userName ne "b.simon@contoso.com"', false],
    ['nickName ne "x"', true],
  ];
  for (const [text, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${text}`, () =>
      assert.equal(matchesUser(text), expected));
  }

  it('decodes JSON string escapes (scim2-parse-filter keeps \\\\ doubled)', () => {
    assert.deepEqual(parseFilter('userName eq "a\\\\b\\"c\\u0041"'), {
      op: 'eq',
      attrPath: 'userName',
      compValue: 'a\\b"cA',
    });
    assert.equal(
      filterPredicate('userName eq "dom\\\\user"', USER_RESOURCE)({ userName: 'DOM\\user' }),
      true,
    );
  });
});

describe('malformed filters are refused with invalidFilter saying what was wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['userName eq', /expected a value .* found the end/],
    ['userName eq bob', /strings must be in double quotes/],
    ['userName xx "bob"', /expected an operator .* 'xx'/],
    ['userName eq "bob', /not closed/],
    ['(userName eq "bob"', /'\)' to close/],
    ['userName eq "bob")', /unexpected '\)'/],
    ['userName eq "a" and', /expected an attribute name/],
    ['userName eq "a" userName eq "b"', /expected 'and', 'or' or the end/],
    ['emails[type eq "work"', /'\]' to close/],
    ['emails[type[value eq "x"] eq "y"]', /cannot nest/],
    ['userName eq "a" & title eq "b"', /unexpected character '&'/],
    ['active gt true', /booleans take only eq and ne/],
    ['active eq "True"', /boolean: compare it with true or false/],
    ['displayName co 5', /needs a string/],
    ['meta.lastModified gt "yesterday"', /dateTime/],
    ['userName eq "tab\there"', /invalid escape or control character/],
    ['displayName[value eq "x"]', /not a complex attribute/],
    [`${'('.repeat(40)}userName eq "a"${')'.repeat(40)}`, /nested more than 32/],
  ];
  for (const [text, mentions] of cases) {
    it(`refuses ${JSON.stringify(text.slice(0, 50))}`, () => refusesFilter(text, mentions));
  }

  it('refuses a filter longer than the limit', () => {
    assert.throws(
      () => parseFilter(`userName eq "${'a'.repeat(5000)}"`),
      (error: unknown) => error instanceof ScimError && error.scimType === 'invalidFilter',
    );
  });
});

describe('parses as scim2-parse-filter does where the two agree', () => {
  const corpus = [
    'userName eq "bjensen"',
    'externalId eq "0a21f0f2"',
    'displayName eq "Sales Team"',
    'members[value eq "2819c223"]',
    'name.familyName co "O\'Malley"',
    'userName Sw "J"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    'title pr',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'title pr or userType eq "Intern"',
    'a eq "1" or b eq "2" and c eq "3"',
    'a eq "1" and b eq "2" and c eq "3"',
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    'active eq true',
    'age ge 21 and age lt 65.5',
    'manager eq null',
  ];
  for (const text of corpus) {
    it(text, () => assert.deepEqual(parseFilter(text), libParse(text)));
  }
});
