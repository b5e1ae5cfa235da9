import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { open, seal } from '@federa/kit';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  test('defaults: http://127.0.0.1:4000, ./data/idp.sqlite, and a secret key generated into ./data on first start (and said so)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'federa-idp-config-'));
    const first = loadConfig({}, dir);
    assert.equal(first.config.baseUrl, 'http://127.0.0.1:4000');
    assert.equal(first.config.port, 4000);
    assert.equal(first.config.databaseUrl, './data/idp.sqlite');
    assert.equal(first.config.secretKey.length, 32);
    assert.match(first.notices.join('\n'), /generated a key into .*idp-secret\.key/);
    const file = join(dir, 'data', 'idp-secret.key');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadConfig({}, dir);
    assert.deepEqual(second.config.secretKey, first.config.secretKey, 'the same key on the next start');
    assert.equal(second.notices.length, 0);
    assert.equal(readFileSync(file, 'utf8').trim(), first.config.secretKey.toString('hex'));
    rmSync(dir, { recursive: true, force: true });
  });

  test('IDP_PORT moves the default base URL; IDP_BASE_URL loses a trailing slash', () => {
    const key = { IDP_SECRET_KEY: 'ab'.repeat(32) };
    assert.equal(loadConfig({ ...key, IDP_PORT: '4100' }).config.baseUrl, 'http://127.0.0.1:4100');
    assert.equal(
      loadConfig({ ...key, IDP_BASE_URL: 'https://login.contoso.com/' }).config.baseUrl,
      'https://login.contoso.com',
    );
  });

  test('names every bad setting at once', () => {
    assert.throws(
      () =>
        loadConfig({
          IDP_PORT: 'eighty',
          IDP_BASE_URL: 'ftp://x',
          LOG_LEVEL: 'loud',
          IDP_SECRET_KEY: 'short',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        for (const name of ['IDP_PORT', 'IDP_BASE_URL', 'LOG_LEVEL', 'IDP_SECRET_KEY'])
          assert.match(error.message, new RegExp(name));
        return true;
      },
    );
  });

  test('warns when a plain-http base URL is not on localhost (the Secure session cookie would not stick)', () => {
    const { notices } = loadConfig({
      IDP_SECRET_KEY: 'ab'.repeat(32),
      IDP_BASE_URL: 'http://idp.internal:4000',
    });
    assert.match(notices.join('\n'), /SameSite=None; Secure/);
  });
});

describe('secret box (AES-256-GCM)', () => {
  const key = Buffer.alloc(32, 1);
  test('opens what it sealed, in the same context only, and not with another key or after tampering', () => {
    const sealed = seal(key, '-----BEGIN PRIVATE KEY-----\nabc', 'signing-certificate:1');
    assert.doesNotMatch(sealed, /PRIVATE/);
    assert.equal(open(key, sealed, 'signing-certificate:1'), '-----BEGIN PRIVATE KEY-----\nabc');
    assert.throws(() => open(key, sealed, 'signing-certificate:2'));
    assert.throws(() => open(Buffer.alloc(32, 2), sealed, 'signing-certificate:1'));
    const parts = sealed.split('.');
    // Another first character, whatever it was (a fixed 'A' left one sealing in 64 untouched).
    parts[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    assert.throws(() => open(key, parts.join('.'), 'signing-certificate:1'));
    assert.notEqual(seal(key, 'x', 'c'), seal(key, 'x', 'c'), 'a fresh IV each time');
  });
});
