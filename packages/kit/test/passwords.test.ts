import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { hashPassword, verifyPassword } from '../src/index.ts';

// More at once than the hashes allowed to run together (one per core): the rest wait their turn.
const MANY = availableParallelism() + 3;

describe('passwords', () => {
  test('more hashes and checks at once than cores all finish, each matching its own password', async () => {
    const passwords = Array.from({ length: MANY }, (_, i) => `correct horse ${i}`);
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
    assert.deepEqual(
      await Promise.all(hashes.map((h, i) => verifyPassword(h, passwords[i]!))),
      passwords.map(() => true),
    );
    assert.equal(await verifyPassword(hashes[0]!, passwords[1]!), false);
  });

  test('a stored value that is not a hash fails the check and gives its turn to the next', async () => {
    const stored = await hashPassword('battery staple');
    const broken = await Promise.all(Array.from({ length: MANY }, () => verifyPassword('not-a-hash', 'x')));
    assert.deepEqual(
      broken,
      broken.map(() => false),
    );
    assert.equal(await verifyPassword(stored, 'battery staple'), true);
  });
});
