// What an operator relies on, checked against the real processes (`src/main.ts` of each service): a
// bad setting stops the start with a message naming it; /readyz follows the database and its
// migrations; /metrics counts sign-ins by result and code and shows the pool; every log line of a
// request carries its correlation id; SIGTERM lets the requests in flight finish before the exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { freshDatabaseUrl } from '../support/databases.ts';
import { ROOT } from '../support/processes.ts';

async function postgresServer(): Promise<string> {
  const url = new URL(await freshDatabaseUrl('postgres'));
  url.pathname = '/postgres';
  return url.toString();
}

function startWith(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('configuration checked at start', () => {
  test('the Directory does not start with a bad setting and names it', () => {
    const result = startWith('apps/idp/src/main.ts', {
      IDP_PORT: 'four thousand',
      IDP_SECRET_KEY: 'ab'.repeat(32),
      DATABASE_URL: ':memory:',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Federa Directory cannot start; fix these settings:/);
    assert.match(result.stderr, /IDP_PORT must be a whole number from 1 to 65535 \(got "four thousand"\)/);
  });

  test('the Workspace does not start with a bad setting and names it', () => {
    const result = startWith('apps/sp/src/main.ts', {
      SP_BASE_URL: 'http://workspace.example.com',
      DATABASE_URL: ':memory:',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid configuration:/);
    assert.match(result.stderr, /SP_BASE_URL must use https unless its host is localhost/);
  });
});

describe('health, readiness, metrics, logs and shutdown of running services on PostgreSQL', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({
      dialect: 'postgres',
      postgresUrl: await postgresServer(),
      idpInstances: 1,
      spInstances: 1,
      users: 2,
      env: { LOG_LEVEL: 'info' },
    });
    await Promise.all(cluster.users.map((user) => cluster.driver.signInAtIdp(user)));
  });

  after(async () => {
    await cluster?.stop();
  });

  test('/metrics counts sign-ins by result and error code, with latency by route and the database pool', async () => {
    const { driver } = cluster;
    const user = cluster.users[0]!;
    assert.equal((await driver.login(user)).ok, true);
    const post = await driver.startLogin(user);
    await driver.finishLogin(user, post);
    assert.equal((await driver.postToAcs(user, post)).status, 400, 'a replay is refused');

    const idp = await (await fetch(`${cluster.idp.running[0]!.baseUrl}/metrics`)).text();
    const sp = await (await fetch(`${cluster.sp.running[0]!.baseUrl}/metrics`)).text();
    // Directory: two password sign-ins (the warm-up) and two responses issued.
    assert.match(idp, /federa_sign_ins_total\{result="success",code="",service="idp"\} 4/);
    assert.match(sp, /federa_sign_ins_total\{result="success",code="",service="ws"\} 2/);
    assert.match(
      sp,
      /federa_sign_ins_total\{result="failure",code="(RESPONSE_REPLAYED|IN_RESPONSE_TO_UNEXPECTED)",service="ws"\} 1/,
    );
    assert.match(
      sp,
      /federa_http_request_duration_seconds_bucket\{le="0.1",service="ws",method="POST",route="\/saml\/acs\/:org\/",status="303"\} \d+/,
    );
    assert.match(
      idp,
      /federa_http_request_duration_seconds_count\{service="idp",method="GET",route="\/:tenant\/saml2",status="200"\} 2/,
    );
    for (const text of [idp, sp]) {
      assert.match(text, /federa_db_pool_connections\{state="total",service="(idp|ws)"\} [1-9]/);
      assert.match(text, /federa_db_pool_connections\{state="waiting",service="(idp|ws)"\} 0/);
      assert.match(text, /federa_db_queries_total\{service="(idp|ws)"\} [1-9]/);
      assert.match(text, /federa_config_cache_in_use\{service="(idp|ws)"\} 1/);
    }
  });

  test('each request is logged once with its correlation id, which the response echoes', async () => {
    const sp = cluster.sp.running[0]!;
    const response = await fetch(`${sp.baseUrl}/auth/login/acme/`, {
      headers: { host: new URL(cluster.sp.publicUrl).host },
    });
    const id = response.headers.get('x-correlation-id');
    assert.match(String(id), /^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 200));
    const lines = sp
      .output()
      .split('\n')
      .filter((line) => line.includes(`"correlationId":"${id}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.deepEqual(
      { msg: lines[0]!.msg, service: lines[0]!.service, route: lines[0]!.route, status: lines[0]!.status },
      { msg: 'request', service: 'federa-workspace', route: '/auth/login/:org/', status: 200 },
    );
    // Nothing secret reached the logs: no SAML message, no password.
    for (const service of [...cluster.idp.running, sp]) {
      assert.doesNotMatch(service.output(), /SAMLResponse=|PHNhbWxwOlJlc3BvbnNl|Bench-Pa55word/);
    }
  });

  test('/readyz is 503 while a migration is missing from the database, and 200 again once it is there', async () => {
    const sp = cluster.sp.running[0]!;
    assert.equal((await fetch(`${sp.baseUrl}/readyz`)).status, 200);
    const client = new pg.Client({ connectionString: cluster.sp.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; timestamp: string }>(
        'DELETE FROM kysely_migration WHERE name = (SELECT max(name) FROM kysely_migration) RETURNING name, timestamp',
      );
      const notReady = await fetch(`${sp.baseUrl}/readyz`);
      assert.equal(notReady.status, 503);
      assert.deepEqual(await notReady.json(), { status: 'not ready' });
      assert.equal((await fetch(`${sp.baseUrl}/healthz`)).status, 200);
      await client.query('INSERT INTO kysely_migration (name, timestamp) VALUES ($1, $2)', [
        rows[0]!.name,
        rows[0]!.timestamp,
      ]);
      assert.equal((await fetch(`${sp.baseUrl}/readyz`)).status, 200);
    } finally {
      await client.end();
    }
  });

  test('SIGTERM lets a request in flight finish, then the process exits 0', async () => {
    const sp = cluster.sp.running[0]!;
    // Hold the sessions table so that the request, which carries a session cookie, waits in the middle
    // of its work (the organization and its provider come from the configuration cache).
    const client = new pg.Client({ connectionString: cluster.sp.databaseUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${sp.baseUrl}/auth/login/acme/`, {
      headers: { host: new URL(cluster.sp.publicUrl).host, cookie: `federa_ws_session=${'a'.repeat(43)}` },
    });
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => sp.process.once('exit', (code) => resolve(code)));
    sp.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(sp.process.exitCode, null, 'still running while a request is in flight');
    await assert.rejects(fetch(`${sp.baseUrl}/healthz`), 'no new connections are taken');
    await client.query('COMMIT');
    await client.end();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Sign in to Acme/);
    assert.equal(await exited, 0);
    assert.match(sp.output(), /"msg":"draining"/);
  });
});
