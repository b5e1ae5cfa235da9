import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../../../test/support/databases.ts';
import { readConfig } from '../src/config.ts';
import { addressProblem, canonicalAddress } from '../src/idp-metadata/address-guard.ts';
import { type FetchOptions, fetchMetadataUrl, MetadataFetchError } from '../src/idp-metadata/fetch.ts';
import { findOrganizationBySlug } from '../src/organizations/organizations.repository.ts';
import { findProviderByOrganization } from '../src/providers/providers.repository.ts';
import { createdOrganization, signedUp, startApp } from './support/app.ts';
import { location } from './support/browser.ts';
import { TestIdp } from './support/idp.ts';

/**
 * An HTTP server on one ephemeral port of 127.0.0.1, 127.0.0.2 and ::1, counting every TCP connection
 * it accepts, answering `body(request)`; proves whether the fetcher connected at all.
 */
async function loopbackListener(body: (reached: { local: string; host: string }) => string) {
  const servers: Server[] = [];
  let connections = 0;
  const listen = (address: string, port: number) => {
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'application/samlmetadata+xml');
      response.end(body({ local: request.socket.localAddress!, host: request.headers.host! }));
    });
    server.on('connection', () => connections++);
    servers.push(server);
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve((server.address() as AddressInfo).port));
    });
  };
  const port = await listen('127.0.0.1', 0);
  await listen('127.0.0.2', port);
  await listen('::1', port);
  return {
    port,
    connections: () => connections,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ).then(() => undefined),
  };
}

/** Spellings of loopback addresses (issue 10), and the address each one reaches. */
const LOOPBACK_SPELLINGS: ReadonlyArray<[host: string, reaches: string]> = [
  ['127.0.0.1', '127.0.0.1'],
  ['2130706433', '127.0.0.1'], // decimal
  ['0x7f000001', '127.0.0.1'], // hex
  ['0177.0.0.1', '127.0.0.1'], // octal
  ['127.1', '127.0.0.1'], // shortened
  ['127.0.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['[::ffff:127.0.0.1]', '127.0.0.1'], // IPv4-mapped, dotted
  ['[::ffff:7f00:1]', '127.0.0.1'], // IPv4-mapped, hex
  ['[0:0:0:0:0:ffff:127.0.0.1]', '127.0.0.1'],
  ['[::127.0.0.1]', '127.0.0.1'], // IPv4-compatible
  ['[::ffff:0:127.0.0.1]', '127.0.0.1'], // IPv4-translated (RFC 6145)
  ['127.0.0.2', '127.0.0.2'],
  ['[::1]', '::1'],
  ['localhost', 'localhost'],
];

function policyFrom(env: Record<string, string>): FetchOptions {
  const config = readConfig(env);
  return {
    ...config.metadataFetch,
    timeoutMs: 2000,
    allowLoopback: config.allowLoopbackMetadata,
    allowPrivate: config.allowPrivateMetadata,
  };
}

describe('metadata URL address guard', () => {
  test('brings every spelling of an address to the one text it judges and connects to', () => {
    const spellings = [
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '127.0.1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:127.0.0.1',
      '::127.0.0.1',
      '::ffff:0:127.0.0.1',
    ];
    for (const spelling of spellings) {
      assert.deepEqual(canonicalAddress(spelling), { address: '127.0.0.1', family: 4 }, spelling);
      assert.notEqual(
        addressProblem(spelling, { allowLoopback: false, allowPrivate: false }),
        null,
        spelling,
      );
      assert.equal(addressProblem(spelling, { allowLoopback: true, allowPrivate: false }), null, spelling);
    }
    assert.deepEqual(canonicalAddress('::ffff:a9fe:a9fe'), { address: '169.254.169.254', family: 4 });
    assert.notEqual(addressProblem('::ffff:a9fe:a9fe', { allowLoopback: true, allowPrivate: true }), null);
    assert.deepEqual(canonicalAddress('0:0:0:0:0:0:0:1'), { address: '::1', family: 6 });
    assert.deepEqual(canonicalAddress('2001:DB8:0:0:0:0:0:1'), { address: '2001:db8::1', family: 6 });
    assert.equal(canonicalAddress('localhost'), null);
  });

  describe('against a real listener on loopback', () => {
    let listener: Awaited<ReturnType<typeof loopbackListener>>;
    before(async () => {
      listener = await loopbackListener((reached) => JSON.stringify(reached));
    });
    after(() => listener.close());

    test('with the default settings, refuses every spelling of loopback before any connection', async () => {
      const policy = policyFrom({});
      for (const [host] of LOOPBACK_SPELLINGS) {
        await assert.rejects(
          fetchMetadataUrl(`http://${host}:${listener.port}/metadata.xml`, policy),
          (error: unknown) => error instanceof MetadataFetchError && error.code === 'ADDRESS_FORBIDDEN',
          host,
        );
      }
      assert.equal(listener.connections(), 0, 'no connection was made');
    });

    test('with SP_ALLOW_LOOPBACK_METADATA on, each spelling reaches the listener at the address it means', async () => {
      const policy = policyFrom({ SP_ALLOW_LOOPBACK_METADATA: 'true' });
      for (const [host, reaches] of LOOPBACK_SPELLINGS) {
        const url = new URL(`http://${host}:${listener.port}/metadata.xml`);
        const { text } = await fetchMetadataUrl(url.href, policy);
        const reached = JSON.parse(text) as { local: string; host: string };
        if (reaches === 'localhost') assert.match(reached.local, /^(127\.0\.0\.1|::1)$/, host);
        else assert.equal(reached.local, reaches, host);
        // The request still names the URL's host: virtual hosting and TLS see what the admin typed.
        assert.equal(reached.host, url.host, host);
      }
    });
  });
});

for (const dialect of DIALECTS) {
  describe(`metadata URL address guard through the auth settings page on ${dialect}`, () => {
    test('with the default settings, tells the admin a loopback URL is refused, and connects nowhere', async (context) => {
      const idp = await TestIdp.create();
      const listener = await loopbackListener(() => idp.metadata());
      context.after(() => listener.close());
      const t = await startApp(dialect);
      context.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/auth/configure/active-directory/');
      for (const host of ['2130706433', '[::ffff:7f00:1]', '[::127.0.0.1]', 'localhost']) {
        const refused = await owner.post('/settings/acme/auth/configure/active-directory/', {
          method: 'url',
          metadataUrl: `http://${host}:${listener.port}/federationmetadata.xml`,
        });
        assert.equal(refused.statusCode, 400, host);
        assert.match(refused.body, /id="f-metadataUrl-error"/, host);
        assert.match(
          refused.body,
          /is a loopback address \(allowed only when SP_ALLOW_LOOPBACK_METADATA is on\)/,
          host,
        );
      }
      assert.equal(listener.connections(), 0, 'no connection was made');
      const org = await findOrganizationBySlug(t.ctx.db, 'acme');
      assert.equal(await findProviderByOrganization(t.ctx.db, org!.id), null, 'nothing was saved');
    });

    test('with SP_ALLOW_LOOPBACK_METADATA on, an IPv4-compatible spelling of 127.0.0.1 configures SSO from the listener', async (context) => {
      const idp = await TestIdp.create();
      const listener = await loopbackListener(() => idp.metadata());
      context.after(() => listener.close());
      const t = await startApp(dialect, { config: { allowLoopbackMetadata: true } });
      context.after(() => t.close());
      const owner = await signedUp(t, 'owner@acme.test');
      await createdOrganization(owner, 'acme');
      await owner.get('/settings/acme/auth/configure/active-directory/');
      const saved = await owner.post('/settings/acme/auth/configure/active-directory/', {
        method: 'url',
        metadataUrl: `http://[::127.0.0.1]:${listener.port}/federationmetadata.xml`,
      });
      assert.equal(location(saved), '/settings/acme/auth/', saved.body.slice(0, 2000));
      assert.equal(listener.connections(), 1);
      const org = await findOrganizationBySlug(t.ctx.db, 'acme');
      assert.equal((await findProviderByOrganization(t.ctx.db, org!.id))?.entityId, idp.entityId);
    });
  });
}
