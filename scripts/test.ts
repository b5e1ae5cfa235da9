// `npm test [path-prefix…]`: installs the Debian packages the tests use as real peers when they are
// missing (or says how: nothing is skipped), starts one PostgreSQL for the run, then runs every test
// file (or those under the given prefixes) with node:test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startPostgres } from './postgres.ts';

const root = new URL('..', import.meta.url).pathname;

// The Debian packages the tests use as real peers have one list, in install-system-deps.sh. Missing
// ones are installed when this user may (root, or sudo without a password); else the script prints the
// command to run, and nothing is skipped.
const deps = spawnSync('bash', [join(root, 'scripts/install-system-deps.sh'), '--no-prompt'], {
  stdio: 'inherit',
});
if (deps.status !== 0) process.exit(deps.status ?? 1);

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
// The end-to-end and peer tests under test/ run for minutes each and the unit tests for seconds: the
// long ones start first, so that the short ones fill both lanes at the end instead of one long file
// running alone.
const files = ['test', 'apps', 'packages'].flatMap((dir) =>
  testFiles(join(root, dir))
    .map((path) => relative(root, path))
    .filter((path) => only.length === 0 || only.some((prefix) => path.startsWith(prefix)))
    .sort(),
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// One PostgreSQL for the whole run; each test makes its own database on it.
const postgres = await startPostgres();
// Ctrl-C reaches the test runner too; stay alive until it has stopped, then stop PostgreSQL.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEST_POSTGRES_URL: postgres.url },
});
postgres.stop();
process.exit(result.status ?? 1);
