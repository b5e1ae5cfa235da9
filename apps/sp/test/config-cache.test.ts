import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RawNode,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { DIALECTS } from '../../../test/support/databases.ts';
import { PASSWORD, sharedDatabaseUrl, startApp, type TestApp } from './support/app.ts';
import { type Browser, location } from './support/browser.ts';
import { authnRequestFrom, BSIMON, TestIdp } from './support/idp.ts';
import { failureCode, setOptions, ssoOrganization, ssoSignIn } from './support/sso.ts';

// Organizations and providers are read from memory on every sign-in, and forgotten the moment an
// admin changes them, on this instance and (once the change commits) on every other one.

/** Every query the app makes, as "kind table" (or the raw SQL), in order. */
class QueryLog implements KyselyPlugin {
  queries: string[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(describeQuery(args.node));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
  /** The queries since the last call, without SQLite's cache check (`config_generation`, an in-process read). */
  take(): string[] {
    const taken = this.queries.filter((q) => !q.includes('config_generation'));
    this.queries = [];
    return taken;
  }
}

function describeQuery(node: RootOperationNode): string {
  if (node.kind === 'RawNode') return (node as RawNode).sqlFragments.join('?');
  return `${node.kind.replace('QueryNode', '').toLowerCase()} ${firstTable(node)}`;
}

function firstTable(node: unknown): string | null {
  if (node === null || typeof node !== 'object') return null;
  const operation = node as OperationNode & { table?: { identifier?: { name?: string } } };
  if (operation.kind === 'TableNode') return operation.table?.identifier?.name ?? null;
  for (const child of Object.values(node)) {
    const found = firstTable(child);
    if (found) return found;
  }
  return null;
}

/** Polls `condition` (a notification takes a moment to cross), for two seconds at most. */
async function eventually(condition: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const PROBE = 'test:probe';

/** Waits until the instance's cache keeps values (on PostgreSQL, once it hears changes), and marks it. */
async function cacheInUse(t: TestApp): Promise<void> {
  const kept = await eventually(async () => {
    let loads = 0;
    const load = async () => ++loads;
    await t.ctx.cache.get(PROBE, load);
    await t.ctx.cache.get(PROBE, load);
    return loads <= 1;
  });
  assert.ok(kept, 'the configuration cache never kept a value');
}

/**
 * Marks the instance's cache now; the function returned waits until the instance has emptied it (it
 * heard of a change made since), up to two seconds.
 */
async function watchForChange(t: TestApp): Promise<() => Promise<void>> {
  await t.ctx.cache.get(PROBE, async () => 0);
  return async () => {
    const emptied = await eventually(async () => {
      let loaded = false;
      await t.ctx.cache.get(PROBE, async () => {
        loaded = true;
        return 0;
      });
      return loaded;
    });
    assert.ok(emptied, 'the other instance never heard of the change');
  };
}

/** Two instances on one database, organization acme with active SSO set up at `a`, both caches in use. */
async function twoInstances(dialect: (typeof DIALECTS)[number]) {
  const url = await sharedDatabaseUrl(dialect);
  const a = await startApp(dialect, { url });
  const b = await startApp(dialect, { url, clock: a.clock });
  const close = async () => {
    await a.close();
    await b.close();
  };
  try {
    const idp = await TestIdp.create();
    const owner = await ssoOrganization(a, 'acme', idp);
    await cacheInUse(a);
    await cacheInUse(b);
    return { a, b, idp, owner, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const offersSso = async (browser: Browser) =>
  /Continue with Active Directory/.test((await browser.get('/auth/login/acme/')).body);

for (const dialect of DIALECTS) {
  describe(`configuration cache of the Workspace on ${dialect}`, () => {
    test('a steady-state SP-initiated sign-in makes 16 queries (+ BEGIN/COMMIT), none for the organization or its provider', async () => {
      const log = new QueryLog();
      const t = await startApp(dialect, { plugin: log });
      try {
        const idp = await TestIdp.create();
        await ssoOrganization(t, 'acme', idp);
        await cacheInUse(t);
        const bsimon = t.browser();
        const signIn = async () => {
          const steps: Record<string, string[]> = {};
          log.take();
          await bsimon.get('/auth/login/acme/');
          steps.loginPage = log.take();
          const started = await bsimon.post('/auth/login/acme/');
          steps.start = log.take();
          const request = authnRequestFrom(location(started), t.clock);
          const { SAMLResponse } = await idp.respond({
            slug: 'acme',
            inResponseTo: request.id,
            user: BSIMON,
            clock: t.clock,
          });
          log.take();
          const acs = await bsimon.crossSitePost('/saml/acs/acme/', {
            SAMLResponse,
            RelayState: request.relayState ?? '',
          });
          steps.acs = log.take();
          const home = await bsimon.get(location(acs));
          steps.organizationPage = log.take();
          assert.equal(home.statusCode, 200);
          return steps;
        };
        // The first sign-in creates the account; the second is a returning member's, from a signed-in browser.
        await signIn();
        await signIn();
        const steps = await signIn();
        const all = Object.values(steps).flat();
        const shown = JSON.stringify(steps, null, 1);
        // Was 31 (+ BEGIN/COMMIT): the organization and provider on every page, a separate SSO-session
        // check, identity select-then-update, and a second session write for the CSRF token.
        assert.ok(all.length <= 16, `${all.length} queries:\n${shown}`);
        assert.deepEqual(
          all.filter((q) => / (organizations|auth_providers)$/.test(q)),
          [],
          `configuration read from the database:\n${shown}`,
        );
      } finally {
        await t.close();
      }
    });

    test('SSO switched off: the next request of this instance and of another offers it no more', async () => {
      const { a, b, owner, close } = await twoInstances(dialect);
      try {
        const atA = a.browser();
        const atB = b.browser();
        assert.ok(await offersSso(atA));
        assert.ok(await offersSso(atB));
        const heardAtB = await watchForChange(b);
        await owner.get('/settings/acme/auth/');
        assert.equal((await owner.post('/settings/acme/auth/disable/')).statusCode, 303);

        assert.equal(await offersSso(atA), false);
        assert.equal((await atA.post('/auth/login/acme/')).statusCode, 409);
        await heardAtB();
        assert.equal(await offersSso(atB), false);
        assert.equal((await atB.post('/auth/login/acme/')).statusCode, 409);
      } finally {
        await close();
      }
    });

    test('a replaced IdP certificate: the next response signed with the old one is refused, here and at another instance', async () => {
      const { a, b, idp, owner, close } = await twoInstances(dialect);
      try {
        const next = await TestIdp.create('contoso', 'contoso-next');
        const signIn = async (t: TestApp, signer: typeof idp.signer) =>
          t
            .browser()
            .crossSitePost(
              '/saml/acs/acme/',
              await idp.respond({ slug: 'acme', inResponseTo: null, user: BSIMON, clock: a.clock, signer }),
            );
        assert.equal((await signIn(a, idp.signer)).statusCode, 303);
        assert.equal((await signIn(b, idp.signer)).statusCode, 303);

        const heardAtB = await watchForChange(b);
        idp.listed = [next.signer];
        await owner.get('/settings/acme/auth/configure/active-directory/');
        const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
          method: 'xml',
          metadataXml: idp.metadata(),
        });
        assert.equal(saved.statusCode, 303);

        assert.equal(failureCode(await signIn(a, idp.signer)), 'SIGNATURE_KEY_UNTRUSTED');
        assert.equal((await signIn(a, next.signer)).statusCode, 303);
        await heardAtB();
        assert.equal(failureCode(await signIn(b, idp.signer)), 'SIGNATURE_KEY_UNTRUSTED');
        assert.equal((await signIn(b, next.signer)).statusCode, 303);
      } finally {
        await close();
      }
    });

    test('Require SSO turned on: the next page of a password session is refused, here and at another instance', async () => {
      const { a, b, idp, owner, close } = await twoInstances(dialect);
      try {
        // The owner, signed in afresh with the password, has no SSO session.
        const member = a.browser();
        await member.get('/auth/login/');
        await member.post('/auth/login/', { email: 'owner@acme.test', password: PASSWORD });
        const atB = member.fork(b.app);
        assert.equal((await member.get('/organizations/acme/')).statusCode, 200);
        assert.equal((await atB.get('/organizations/acme/')).statusCode, 200);
        // A member signed in through SSO keeps the page.
        const bsimon = a.browser();
        await ssoSignIn(bsimon, a, idp, 'acme', BSIMON);

        const heardAtB = await watchForChange(b);
        await setOptions(owner, 'acme', { requireSso: true });

        const refused = await member.get('/organizations/acme/');
        assert.equal(refused.statusCode, 303);
        assert.equal(location(refused), '/auth/login/acme/?next=%2Forganizations%2Facme%2F');
        assert.equal((await bsimon.get('/organizations/acme/')).statusCode, 200);
        await heardAtB();
        assert.equal((await atB.get('/organizations/acme/')).statusCode, 303);
        assert.equal((await bsimon.fork(b.app).get('/organizations/acme/')).statusCode, 200);
      } finally {
        await close();
      }
    });
  });
}
