import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOperationSettings } from '../src/index.ts';

test('defaults: info, 10 connections, 10 seconds', () => {
  const problems: string[] = [];
  assert.deepEqual(readOperationSettings({}, problems), {
    logLevel: 'info',
    databasePoolSize: 10,
    shutdownTimeoutSeconds: 10,
  });
  assert.deepEqual(problems, []);
});

test('set values are taken', () => {
  const problems: string[] = [];
  const settings = readOperationSettings(
    { LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '25', SHUTDOWN_TIMEOUT_SECONDS: '30' },
    problems,
  );
  assert.deepEqual(settings, { logLevel: 'warn', databasePoolSize: 25, shutdownTimeoutSeconds: 30 });
  assert.deepEqual(problems, []);
});

test('each bad value is a problem that names its setting and what it takes', () => {
  const problems: string[] = [];
  readOperationSettings(
    { LOG_LEVEL: 'verbose', DATABASE_POOL_SIZE: '0', SHUTDOWN_TIMEOUT_SECONDS: '1.5' },
    problems,
  );
  assert.equal(problems.length, 3);
  assert.match(
    problems[0]!,
    /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/,
  );
  assert.match(problems[1]!, /^DATABASE_POOL_SIZE must be a whole number from 1 to 200 \(got "0"\)/);
  assert.match(problems[2]!, /^SHUTDOWN_TIMEOUT_SECONDS must be a whole number from 1 to 600/);
});
