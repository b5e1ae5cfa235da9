import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUTHN_CONTEXT, NAMEID_FORMAT, NS, parseXml, STATUS } from '@federa/saml';
import { addClaim, updateGroupClaim, updateNameId } from '../src/applications/sso-settings.service.ts';
import { assign, createAppRole } from '../src/assignments/assignments.service.ts';
import { addMember, createGroup } from '../src/groups/groups.service.ts';
import { listSignInLogs } from '../src/sign-in-logs/sign-in-logs.repository.ts';
import { updateUser } from '../src/users/users.service.ts';
import { Browser, samlPostOf } from './support/browser.ts';
import { DIALECTS, startIdp, TEST_ACTOR } from './support/harness.ts';
import { ACME, seedContoso, USER_PASSWORD } from './support/seed.ts';
import { acmeValidates, metadataCertificates, redirectRequest } from './support/sp.ts';

/** The two-level StatusCode of a Response (SAML Core §3.2.2.2). */
function statusOf(xml: string) {
  const { root } = parseXml(xml);
  const codes = Array.from(root.getElementsByTagNameNS(NS.protocol, 'StatusCode'));
  return {
    status: {
      code: codes[0]?.getAttribute('Value') ?? null,
      subCode: codes[1]?.getAttribute('Value') ?? null,
    },
    inResponseTo: root.getAttribute('InResponseTo'),
    destination: root.getAttribute('Destination'),
    assertions: root.getElementsByTagNameNS(NS.assertion, 'Assertion').length,
  };
}

for (const dialect of DIALECTS) {
  describe(`AuthnRequest options on ${dialect}`, () => {
    test('IsPassive with nobody signed in: a NoPassive status goes back to the ACS, AADSTS50058 is logged; signed in, a response without any page', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const passive = redirectRequest(idp.clock, { isPassive: true, relayState: 'rs-1' });
      const answered = await browser.get(passive.url);
      assert.equal(answered.statusCode, 200);
      const form = samlPostOf(answered.body);
      assert.equal(form.action, ACME.acsUrl);
      assert.equal(form.relayState, 'rs-1');
      const { status, inResponseTo, destination } = statusOf(form.xml);
      assert.equal(status.code, STATUS.responder);
      assert.equal(status.subCode, STATUS.noPassive);
      assert.equal(inResponseTo, passive.id);
      assert.equal(destination, ACME.acsUrl);
      assert.equal(statusOf(form.xml).assertions, 0);
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      await assert.rejects(
        acmeValidates(form.xml, {
          tenant: contoso.tenant,
          certificates,
          clock: idp.clock,
          requestIds: [passive.id],
        }),
        (error: { code?: string }) => error.code === 'RESPONSE_STATUS_NOT_SUCCESS',
      );
      const log = (await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!;
      assert.equal(log.errorCode, 'AADSTS50058');
      assert.equal(log.result, 'interrupted');

      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      const again = redirectRequest(idp.clock, { isPassive: true });
      const silent = await browser.get(again.url);
      const assertion = await acmeValidates(samlPostOf(silent.body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [again.id],
      });
      assert.equal(assertion.nameId, 'B.Simon@contoso.com');
    });

    test('ForceAuthn asks a signed-in user for the password again, and the assertion carries the new AuthnInstant', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(redirectRequest(idp.clock).url)),
      );
      idp.clock.advance(600);
      const forced = redirectRequest(idp.clock, { forceAuthn: true });
      const prompt = await browser.get(forced.url);
      assert.equal(prompt.statusCode, 303);
      const loginPage = await browser.follow(prompt);
      assert.match(loginPage.body, /name="password"/);
      const posted = await browser.signIn('B.Simon@contoso.com', USER_PASSWORD, loginPage);
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(samlPostOf(posted.body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [forced.id],
      });
      assert.ok(
        idp.clock.now().getTime() - (assertion.authnInstant?.getTime() ?? 0) < 5000,
        'authenticated just now',
      );
      const both = redirectRequest(idp.clock, { forceAuthn: true, isPassive: true });
      assert.equal(
        statusOf(samlPostOf((await browser.get(both.url)).body).xml).status.subCode,
        STATUS.noPassive,
      );
    });

    test('NameIDPolicy: a supported Format is used for the NameID; another is answered with InvalidNameIDPolicy', async (c) => {
      const idp = await startIdp(dialect);
      c.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const persistent = redirectRequest(idp.clock, {
        nameIdPolicy: { format: NAMEID_FORMAT.persistent, allowCreate: true },
      });
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(persistent.url)),
      );
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(samlPostOf(posted.body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [persistent.id],
      });
      assert.equal(assertion.nameIdFormat, NAMEID_FORMAT.persistent);
      const transient = redirectRequest(idp.clock, { nameIdPolicy: { format: NAMEID_FORMAT.transient } });
      const t = await acmeValidates(samlPostOf((await browser.get(transient.url)).body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [transient.id],
      });
      assert.equal(t.nameIdFormat, NAMEID_FORMAT.transient);
      assert.notEqual(t.nameId, 'B.Simon@contoso.com');
      const kerberos = redirectRequest(idp.clock, {
        nameIdPolicy: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos' },
      });
      const refused = statusOf(samlPostOf((await browser.get(kerberos.url)).body).xml);
      assert.equal(refused.status.code, STATUS.requester);
      assert.equal(refused.status.subCode, STATUS.invalidNameIdPolicy);
      assert.equal((await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!.errorCode, 'AADSTS75016');
    });

    test('RequestedAuthnContext: PasswordProtectedTransport is satisfied and echoed; X509 is answered with NoAuthnContext', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const browser = new Browser(idp.app);
      const ppt = redirectRequest(idp.clock, {
        requestedAuthnContext: { comparison: 'exact', classRefs: [AUTHN_CONTEXT.passwordProtectedTransport] },
      });
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(ppt.url)),
      );
      const certificates = await metadataCertificates(idp.app, contoso.tenant, contoso.app);
      const assertion = await acmeValidates(samlPostOf(posted.body).xml, {
        tenant: contoso.tenant,
        certificates,
        clock: idp.clock,
        requestIds: [ppt.id],
      });
      assert.equal(assertion.authnContextClassRef, AUTHN_CONTEXT.passwordProtectedTransport);
      const x509 = redirectRequest(idp.clock, {
        requestedAuthnContext: { classRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:X509'] },
      });
      const refused = statusOf(samlPostOf((await browser.get(x509.url)).body).xml);
      assert.equal(refused.status.subCode, STATUS.noAuthnContext);
      assert.equal((await listSignInLogs(idp.deps.db, contoso.tenant.id))[0]!.errorCode, 'AADSTS75011');
    });

    test('claims follow the configuration: NameID source, an added claim, group and role claims, and an empty source left out', async (t) => {
      const idp = await startIdp(dialect);
      t.after(() => idp.close());
      const contoso = await seedContoso(idp.deps);
      const { tenant, app, simon } = contoso;
      await updateNameId(idp.deps, TEST_ACTOR, tenant.id, app.id, {
        source: 'user.objectid',
        format: NAMEID_FORMAT.persistent,
      });
      await addClaim(idp.deps, TEST_ACTOR, tenant.id, app.id, {
        name: 'department',
        namespace: '',
        source: 'user.displayname',
      });
      const group = await createGroup(idp.deps, TEST_ACTOR, tenant.id, { displayName: 'R&D <lab>' });
      await addMember(idp.deps, TEST_ACTOR, tenant.id, group.id, simon.id);
      await updateGroupClaim(idp.deps, TEST_ACTOR, tenant.id, app.id, { mode: 'all', source: 'displayName' });
      const role = await createAppRole(idp.deps, TEST_ACTOR, tenant.id, app.id, {
        displayName: 'Admin',
        value: 'admin',
      });
      await assign(idp.deps, TEST_ACTOR, tenant.id, app.id, {
        principalType: 'user',
        principalId: simon.id,
        appRoleId: role.id,
      });
      await updateUser(idp.deps, TEST_ACTOR, tenant.id, simon.id, {
        userPrincipalName: simon.userPrincipalName,
        displayName: 'B.Simon',
        givenName: 'B.',
        surname: 'Simon',
        mail: '',
      });
      const browser = new Browser(idp.app);
      const request = redirectRequest(idp.clock);
      const posted = await browser.signIn(
        'B.Simon@contoso.com',
        USER_PASSWORD,
        await browser.follow(await browser.get(request.url)),
      );
      const certificates = await metadataCertificates(idp.app, tenant, app);
      const assertion = await acmeValidates(samlPostOf(posted.body).xml, {
        tenant,
        certificates,
        clock: idp.clock,
        requestIds: [request.id],
      });
      assert.equal(assertion.nameId, simon.id);
      assert.equal(assertion.nameIdFormat, NAMEID_FORMAT.persistent);
      assert.deepEqual(assertion.attributes.department, ['B.Simon']);
      assert.deepEqual(
        assertion.attributes['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
        ['R&D <lab>'],
      );
      assert.deepEqual(assertion.attributes['http://schemas.microsoft.com/ws/2008/06/identity/claims/role'], [
        'admin',
      ]);
      assert.equal(
        assertion.attributes['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
        undefined,
        'mail is empty: the claim is left out',
      );
    });
  });
}
