import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, readConfig } from '../src/config.ts';

describe('configuration', () => {
  test('defaults to localhost:5000, SQLite under ./data, no mail server and no dev outbox, and metadata URLs on loopback refused', () => {
    const config = readConfig({});
    assert.equal(config.baseUrl, 'http://localhost:5000');
    assert.equal(config.port, 5000);
    assert.equal(config.databaseUrl, './data/sp.sqlite');
    assert.equal(config.allowLoopbackMetadata, false);
    assert.equal(config.allowPrivateMetadata, false);
    assert.equal(config.metadataFetch.timeoutMs, 5000);
    assert.equal(config.metadataFetch.maxBytes, 1024 * 1024);
    assert.equal(config.smtp, null);
    assert.equal(config.devOutbox, false);
    assert.deepEqual(config.dnsServers, []);
    assert.equal(config.secureCookies, true);
  });

  test('names every bad setting at once', () => {
    assert.throws(
      () =>
        readConfig({
          SP_PORT: '0',
          SP_BASE_URL: 'http://sp.example.com',
          SP_ALLOW_LOOPBACK_METADATA: 'maybe',
          SP_DNS_SERVERS: 'dns.example.com',
          SMTP_HOST: 'mail.test',
          LOG_LEVEL: 'loud',
          DATABASE_POOL_SIZE: 'many',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        assert.match(text, /SP_PORT/);
        assert.match(text, /SP_BASE_URL must use https/);
        assert.match(text, /SP_ALLOW_LOOPBACK_METADATA must be true or false/);
        assert.match(text, /SP_DNS_SERVERS must list IP addresses/);
        assert.match(text, /SMTP_FROM/);
        assert.match(text, /LOG_LEVEL must be one of/);
        assert.match(text, /DATABASE_POOL_SIZE must be a whole number/);
        return true;
      },
    );
  });

  test('takes https base URLs and SMTP settings', () => {
    const config = readConfig({
      SP_BASE_URL: 'https://workspace.example.com/',
      SMTP_HOST: 'mail.test',
      SMTP_FROM: 'Workspace <no-reply@example.com>',
      SMTP_PORT: '2525',
    });
    assert.equal(config.baseUrl, 'https://workspace.example.com');
    assert.deepEqual(config.smtp, {
      host: 'mail.test',
      port: 2525,
      secure: false,
      user: null,
      password: null,
      from: 'Workspace <no-reply@example.com>',
    });
  });
});
