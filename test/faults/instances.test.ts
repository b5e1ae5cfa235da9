// Several instances of each service on one PostgreSQL database per service, as real processes behind
// the login driver's round robin: a SAMLResponse is accepted once across instances, the same new user
// arriving at two instances at once becomes one account, and losing a Workspace instance in the middle
// of a stream of sign-ins loses only the requests that were on it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectDatabase } from '@federa/kit';
import type { Schema } from '@federa/sp';
import { sql } from 'kysely';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { freshDatabaseUrl } from '../support/databases.ts';
import { CookieJar, type LoginResult, stream, type VirtualUser } from '../support/login-driver.ts';

/** The PostgreSQL server of this test run (the harness's, or one started for this file). */
async function postgresServer(): Promise<string> {
  const url = new URL(await freshDatabaseUrl('postgres'));
  url.pathname = '/postgres';
  return url.toString();
}

/** Accounts, identities and memberships of the organization, per email, in the Workspace's database. */
async function accountsByEmail(
  cluster: Cluster,
): Promise<Map<string, { users: number; identities: number; memberships: number }>> {
  const database = connectDatabase<Schema>(cluster.sp.databaseUrl, { poolSize: 1 });
  try {
    const rows = await database.db
      .selectFrom('users')
      .select([
        'users.email',
        sql<number>`(select count(*) from identities where identities.user_id = users.id)`.as('identities'),
        sql<number>`(select count(*) from memberships where memberships.user_id = users.id)`.as(
          'memberships',
        ),
      ])
      .execute();
    const byEmail = new Map<string, { users: number; identities: number; memberships: number }>();
    for (const row of rows) {
      const entry = byEmail.get(row.email) ?? { users: 0, identities: 0, memberships: 0 };
      entry.users += 1;
      entry.identities += Number(row.identities);
      entry.memberships += Number(row.memberships);
      byEmail.set(row.email, entry);
    }
    return byEmail;
  } finally {
    await database.close();
  }
}

async function attemptCodes(cluster: Cluster): Promise<string[]> {
  const database = connectDatabase<Schema>(cluster.sp.databaseUrl, { poolSize: 1 });
  try {
    const rows = await database.db.selectFrom('sso_attempts').select('error_code').execute();
    return rows.map((r) => r.error_code ?? 'success');
  } finally {
    await database.close();
  }
}

/** A second browser of the same person: its own cookies, its own Directory session. */
const anotherBrowser = (user: VirtualUser): VirtualUser => ({ ...user, jar: new CookieJar() });

describe('two instances of each service on one PostgreSQL database per service', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({
      dialect: 'postgres',
      postgresUrl: await postgresServer(),
      idpInstances: 2,
      spInstances: 2,
      users: 24,
    });
    await Promise.all(cluster.users.map((user) => cluster.driver.signInAtIdp(user)));
  });

  after(async () => {
    await cluster?.stop();
  });

  test('a SAMLResponse accepted by one Workspace instance is refused by the other', async () => {
    const [a, b] = cluster.driver.options.sp.instances as [string, string];
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const user = cluster.users[first === a ? 0 : 1]!;
      const post = await cluster.driver.startLogin(user);
      const accepted = await cluster.driver.postToAcs(user, post, first);
      assert.equal(accepted.status, 303, `accepted at ${first}`);
      const replayed = await cluster.driver.postToAcs(user, post, second);
      assert.equal(replayed.status, 400, `refused at ${second}`);
      // Its request is no longer pending (consumed with it), and its assertion ID is in the replay cache.
      assert.match(replayed.body, /RESPONSE_REPLAYED|IN_RESPONSE_TO_UNEXPECTED/);
    }
    // Posted to both at the same moment: one sign-in, and the replay cache refuses the other.
    const user = cluster.users[0]!;
    const post = await cluster.driver.startLogin(user);
    const both = await Promise.all([
      cluster.driver.postToAcs(user, post, a),
      cluster.driver.postToAcs(user, post, b),
    ]);
    assert.deepEqual(both.map((r) => r.status).sort(), [303, 400]);
    assert.match(both.find((r) => r.status === 400)!.body, /RESPONSE_REPLAYED|IN_RESPONSE_TO_UNEXPECTED/);
    const codes = await attemptCodes(cluster);
    assert.equal(codes.filter((c) => c === 'success').length, 3);
    assert.equal(codes.filter((c) => c !== 'success').length, 3);
  });

  test('the same new user signing in at two instances at the same moment gets one account and one membership', async () => {
    const [a, b] = cluster.driver.options.sp.instances as [string, string];
    const newcomers = cluster.users.slice(2, 10);
    for (const user of newcomers) {
      // Two browsers of one person, each with its own Directory session, each halfway through a
      // sign-in started at another Workspace instance; then both post to the ACS at once.
      const other = anotherBrowser(user);
      await cluster.driver.signInAtIdp(other);
      const [postA, postB] = await Promise.all([
        cluster.driver.startLogin(user, { sp: a }),
        cluster.driver.startLogin(other, { sp: b }),
      ]);
      const outcomes = await Promise.allSettled([
        cluster.driver.finishLogin(user, postA, { sp: a }),
        cluster.driver.finishLogin(other, postB, { sp: b }),
      ]);
      // Both sign-ins succeed: the one that lost the race to create the account finds it and uses it.
      assert.deepEqual(
        outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : String(o.reason))),
        ['ok', 'ok'],
      );
    }
    const accounts = await accountsByEmail(cluster);
    for (const user of newcomers) {
      assert.deepEqual(
        accounts.get(user.userName.toLowerCase()),
        { users: 1, identities: 1, memberships: 1 },
        user.userName,
      );
    }
  });

  test('killing one Workspace instance during a stream of sign-ins fails only the requests in flight on it', async () => {
    const { driver } = cluster;
    const victim = cluster.sp.running[1]!;
    const victimUrl = driver.options.sp.instances[1]!;
    const users = cluster.users.slice(10);
    const started = Date.now();
    let killedAt: number | null = null;
    const results: Array<LoginResult & { at: number }> = [];
    await stream(
      driver,
      users,
      // Bounded: 400 sign-ins or 60 seconds, and at least 100 after the kill.
      (done) => done.length >= 400 || Date.now() - started > 60_000,
      (result) => {
        results.push({ ...result, at: Date.now() });
        if (killedAt === null && results.length === 60) {
          killedAt = Date.now();
          victim.process.kill('SIGKILL');
        }
      },
    );
    assert.ok(killedAt !== null, 'the instance was killed during the stream');
    const failures = results.filter((r) => !r.ok);
    // Every failure is a connection to the killed instance dropped or refused: never an error answer.
    for (const failure of failures) {
      assert.equal(failure.failure?.instance, victimUrl, failure.failure?.message);
      assert.equal(failure.failure?.kind, 'connection', failure.failure?.message);
    }
    // Each virtual user had at most one request in flight when the instance died.
    assert.ok(failures.length <= users.length, `${failures.length} failures`);
    assert.ok(driver.down.has(victimUrl), 'the killed instance left the rotation');
    const afterKill = results.filter((r) => r.at > killedAt! + 1000);
    assert.ok(afterKill.length >= 100, `${afterKill.length} sign-ins after the kill`);
    assert.ok(
      afterKill.every((r) => r.ok),
      'every sign-in after the kill succeeds on the remaining instance',
    );
    // One account, identity and membership per person who signed in; none for anyone else.
    const accounts = await accountsByEmail(cluster);
    for (const user of users) {
      assert.deepEqual(
        accounts.get(user.userName.toLowerCase()),
        { users: 1, identities: 1, memberships: 1 },
        user.userName,
      );
    }
    assert.equal(
      [...accounts.values()].filter((a) => a.users !== 1 || a.memberships > 1).length,
      0,
      'no account or membership duplicated',
    );
  });
});
