import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BINDING,
  buildLogoutRequest,
  decodeRedirect,
  encodeRedirect,
  parseLogoutResponse,
  rawQuery,
} from '@federa/saml';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../../../test/support/databases.ts';
import { BASE, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { BSIMON, credential, TestIdp } from './support/idp.ts';
import { providerOf, ssoOrganization, ssoSignIn } from './support/sso.ts';

// The Workspace's answer to an IdP's LogoutRequest, checked as the IdP would check it: it goes where
// the IdP's metadata says responses go (SAML Metadata §2.2.2: the SingleLogoutService's
// ResponseLocation when it has one), and carries back the RelayState the request came with (SAML
// Bindings §3.4.3, §3.5.3), by either binding.

const SLS = `${BASE}/saml/sls/acme/`;
const REQUESTS = 'https://login.test/contoso/slo/request';
const RESPONSES = 'https://login.test/contoso/slo/response';
/** An IdP's own logout state, with characters each binding must carry through its encoding. */
const RELAY_STATE = 'logout/step-2?from=app&next="home"';

interface Slo {
  binding: string;
  location: string;
  responseLocation?: string;
}

/** A test IdP whose metadata lists `slo` as its SingleLogoutService. */
class IdpWithSlo extends TestIdp {
  readonly slo: Slo;

  constructor(signer: TestIdp['signer'], slo: Slo) {
    super('contoso', signer);
    this.slo = slo;
  }

  override metadata(options: { html?: boolean; withoutCertificates?: boolean } = {}): string {
    const attributes = `Binding="${this.slo.binding}" Location="${this.slo.location}"${this.slo.responseLocation ? ` ResponseLocation="${this.slo.responseLocation}"` : ''}`;
    const xml = super
      .metadata(options)
      .replace(
        /<SingleLogoutService [^>]*(\/>|>\s*<\/SingleLogoutService>)/,
        `<SingleLogoutService ${attributes}/>`,
      );
    assert.ok(xml.includes(attributes), 'the metadata carries the SLO endpoint under test');
    return xml;
  }
}

/** B.Simon signed in to acme through `idp`; returns the browser and the IdP's LogoutRequest for that session. */
async function signedIn(t: TestApp, idp: TestIdp): Promise<{ bsimon: Browser; xml: string }> {
  await ssoOrganization(t, 'acme', idp);
  const bsimon = t.browser();
  await ssoSignIn(bsimon, t, idp, 'acme', BSIMON);
  assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
  const session = await t.ctx.db
    .selectFrom('sso_sessions')
    .selectAll()
    .where('name_id', '=', BSIMON.email)
    .executeTakeFirstOrThrow();
  const xml = buildLogoutRequest({
    id: '_idp-logout',
    issueInstant: t.clock.now(),
    issuer: idp.entityId,
    destination: SLS,
    nameId: { value: BSIMON.email, format: session.name_id_format },
    sessionIndexes: session.session_index ? [session.session_index] : [],
  });
  return { bsimon, xml };
}

function inputValue(page: string, name: string): string | null {
  const value = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(page)?.[1];
  if (value === undefined) return null;
  return value
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The IdP's side: the reply it got, by the binding of its SLO endpoint, with its Destination checked. */
function replyAtIdp(
  t: TestApp,
  answered: LightMyRequestResponse,
  binding: string,
  expectedAt: string,
): { relayState: string | null } {
  let xml: string;
  let relayState: string | null;
  if (binding === BINDING.post) {
    assert.equal(answered.statusCode, 200, answered.body.slice(0, 500));
    const action = /<form id="federa-saml-post" method="post" action="([^"]*)"/.exec(answered.body)?.[1];
    assert.equal(action, expectedAt);
    xml = Buffer.from(inputValue(answered.body, 'SAMLResponse') ?? '', 'base64').toString('utf8');
    relayState = inputValue(answered.body, 'RelayState');
  } else {
    assert.equal(answered.statusCode, 303, answered.body.slice(0, 500));
    assert.ok(location(answered).startsWith(`${expectedAt}?SAMLResponse=`), location(answered));
    const decoded = decodeRedirect(rawQuery(location(answered)));
    xml = decoded.xml;
    relayState = decoded.relayState;
  }
  const response = parseLogoutResponse(xml, {
    clock: t.clock,
    expectedIssuer: `${BASE}/saml/metadata/acme/`,
    expectedInResponseTo: '_idp-logout',
    expectedDestination: expectedAt,
  });
  assert.equal(response.inResponseTo, '_idp-logout');
  return { relayState };
}

for (const dialect of DIALECTS) {
  describe(`the reply to the IdP's LogoutRequest on ${dialect}`, () => {
    for (const binding of [BINDING.redirect, BINDING.post]) {
      const name = binding === BINDING.post ? 'HTTP-POST' : 'HTTP-Redirect';
      test(`a LogoutRequest by ${name} gets its RelayState back, by the IdP's SLO binding`, async (c) => {
        const t = await startApp(dialect);
        c.after(() => t.close());
        // The reply goes by the IdP's other binding, so that each binding is both received and sent.
        const replyBinding = binding === BINDING.post ? BINDING.redirect : BINDING.post;
        const idp = new IdpWithSlo(await credential('contoso-signing'), {
          binding: replyBinding,
          location: REQUESTS,
        });
        const { bsimon, xml } = await signedIn(t, idp);
        const answered =
          binding === BINDING.post
            ? await bsimon.crossSitePost('/saml/sls/acme/', {
                SAMLRequest: Buffer.from(xml, 'utf8').toString('base64'),
                RelayState: RELAY_STATE,
              })
            : await bsimon.get(
                encodeRedirect({
                  location: SLS,
                  parameter: 'SAMLRequest',
                  xml,
                  relayState: RELAY_STATE,
                }).slice(BASE.length),
              );
        const { relayState } = replyAtIdp(t, answered, replyBinding, REQUESTS);
        assert.equal(relayState, RELAY_STATE);
        assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 401, 'signed out here');
      });

      test(`a LogoutRequest by ${name} without RelayState is answered without one`, async (c) => {
        const t = await startApp(dialect);
        c.after(() => t.close());
        const idp = new IdpWithSlo(await credential('contoso-signing'), { binding, location: REQUESTS });
        const { bsimon, xml } = await signedIn(t, idp);
        const answered =
          binding === BINDING.post
            ? await bsimon.crossSitePost('/saml/sls/acme/', {
                SAMLRequest: Buffer.from(xml, 'utf8').toString('base64'),
              })
            : await bsimon.get(
                encodeRedirect({ location: SLS, parameter: 'SAMLRequest', xml }).slice(BASE.length),
              );
        assert.equal(replyAtIdp(t, answered, binding, REQUESTS).relayState, null);
      });

      test(`an IdP whose ${name} SLO endpoint has a ResponseLocation gets the reply there`, async (c) => {
        const t = await startApp(dialect);
        c.after(() => t.close());
        const idp = new IdpWithSlo(await credential('contoso-signing'), {
          binding,
          location: REQUESTS,
          responseLocation: RESPONSES,
        });
        const { bsimon, xml } = await signedIn(t, idp);
        const provider = await providerOf(t, 'acme');
        assert.equal(provider?.sloUrl, REQUESTS);
        assert.equal(provider?.sloResponseUrl, RESPONSES);
        const answered = await bsimon.get(
          encodeRedirect({ location: SLS, parameter: 'SAMLRequest', xml, relayState: RELAY_STATE }).slice(
            BASE.length,
          ),
        );
        assert.equal(replyAtIdp(t, answered, binding, RESPONSES).relayState, RELAY_STATE);
      });
    }

    test('a posted LogoutRequest with a repeated RelayState is refused, and signs nobody out', async (c) => {
      const t = await startApp(dialect);
      c.after(() => t.close());
      const idp = new IdpWithSlo(await credential('contoso-signing'), {
        binding: BINDING.redirect,
        location: REQUESTS,
      });
      const { bsimon, xml } = await signedIn(t, idp);
      const body = new URLSearchParams({ SAMLRequest: Buffer.from(xml, 'utf8').toString('base64') });
      body.append('RelayState', 'one');
      body.append('RelayState', 'two');
      const answered = await t.app.inject({
        method: 'POST',
        url: '/saml/sls/acme/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
      assert.equal(answered.statusCode, 400);
      assert.equal((await bsimon.get('/api/0/users/me/')).statusCode, 200);
    });
  });
}
