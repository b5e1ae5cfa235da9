// PostgreSQL restarted under a stream of sign-ins: while it is down every request that needs it is
// answered with a clear 503 (never a 500, never a hang, never a crash), /readyz says not ready, and once
// it is back the same processes sign people in again without being restarted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningPostgres, startPostgres } from '../../scripts/postgres.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { type LoginResult, stream } from '../support/login-driver.ts';

const DOWN_MS = 3000;

describe('PostgreSQL restarted during a stream of sign-ins', () => {
  let postgres: RunningPostgres;
  let cluster: Cluster;

  before(async () => {
    // Its own server: this test stops it, which the other tests' server must never be.
    postgres = await startPostgres();
    cluster = await startCluster({
      dialect: 'postgres',
      postgresUrl: postgres.url,
      idpInstances: 1,
      spInstances: 1,
      users: 8,
    });
    await Promise.all(cluster.users.map((user) => cluster.driver.signInAtIdp(user)));
  });

  after(async () => {
    await cluster?.stop();
    postgres?.stop();
  });

  test('requests fail with a clear 503 while it is down and the services recover without a restart', async () => {
    const { driver } = cluster;
    const [idp] = cluster.idp.running;
    const [sp] = cluster.sp.running;
    const pids = [idp!.process.pid, sp!.process.pid];
    const results: Array<LoginResult & { at: number }> = [];
    const started = Date.now();
    let downAt = 0;
    let upAt = 0;
    const probes: Record<string, { status: number; body: string; retryAfter: string | null }> = {};

    const phases = (async () => {
      while (results.length < 30) await new Promise((r) => setTimeout(r, 20));
      downAt = Date.now();
      postgres.halt();
      await new Promise((r) => setTimeout(r, 500));
      for (const [name, url] of [
        ['idp readyz', `${idp!.baseUrl}/readyz`],
        ['sp readyz', `${sp!.baseUrl}/readyz`],
        ['idp healthz', `${idp!.baseUrl}/healthz`],
        ['sp healthz', `${sp!.baseUrl}/healthz`],
        ['sp login page', `${sp!.baseUrl}/auth/login/acme/`],
      ] as const) {
        const response = await fetch(url, { headers: { host: new URL(cluster.sp.publicUrl).host } });
        probes[name] = {
          status: response.status,
          body: await response.text(),
          retryAfter: response.headers.get('retry-after'),
        };
      }
      await new Promise((r) => setTimeout(r, DOWN_MS));
      postgres.start();
      upAt = Date.now();
    })();

    await stream(
      driver,
      cluster.users,
      // Bounded: until 60 sign-ins have succeeded after the restart, or 90 seconds.
      () =>
        Date.now() - started > 90_000 ||
        (upAt > 0 && results.filter((r) => r.ok && r.at > upAt).length >= 60),
      (result) => results.push({ ...result, at: Date.now() }),
    );
    await phases;

    assert.equal(probes['idp readyz']!.status, 503);
    assert.equal(probes['sp readyz']!.status, 503);
    assert.equal(probes['idp healthz']!.status, 200, 'the process is alive while its database is not');
    assert.equal(probes['sp healthz']!.status, 200);
    assert.equal(probes['sp login page']!.status, 503);
    assert.match(probes['sp login page']!.body, /briefly unavailable/);
    assert.match(probes['sp login page']!.body, /database_unavailable/);
    assert.equal(probes['sp login page']!.retryAfter, '2');

    const failures = results.filter((r) => !r.ok);
    assert.ok(failures.length > 0, 'sign-ins failed while the database was down');
    for (const failure of failures) {
      // Answered, with 503: not a 500, not a dropped connection, not a timeout.
      assert.equal(failure.failure?.kind, 'status', failure.failure?.message);
      assert.equal(failure.failure?.status, 503, failure.failure?.message);
      assert.ok(failure.at >= downAt, 'nothing failed before the database went down');
    }
    assert.ok(results.filter((r) => r.ok && r.at > upAt).length >= 60, 'sign-ins succeed again');
    // Once back, it stays back: the last 30 sign-ins all succeeded.
    assert.ok(results.slice(-30).every((r) => r.ok));
    // The same processes, never restarted.
    assert.deepEqual([idp!.process.pid, sp!.process.pid], pids);
    assert.equal(idp!.process.exitCode, null);
    assert.equal(sp!.process.exitCode, null);
    assert.equal((await fetch(`${idp!.baseUrl}/readyz`)).status, 200);
    assert.equal((await fetch(`${sp!.baseUrl}/readyz`)).status, 200);
  });
});
