// `npm test [path-prefix…]`: checks that the real peers the tests use are installed (and says which
// Debian package to install when one is not: nothing is skipped), starts one PostgreSQL for the run,
// then runs every test file (or those under the given prefixes) with node:test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startPostgres } from './postgres.ts';

const root = new URL('..', import.meta.url).pathname;

const requirements: Array<{ what: string; ok: () => boolean; install: string }> = [
  { what: 'xmlsec1', ok: () => existsSync('/usr/bin/xmlsec1'), install: 'xmlsec1' },
  {
    what: "python3-saml (OneLogin, under Debian's /usr/bin/python3)",
    ok: () =>
      spawnSync('/usr/bin/python3', ['-c', 'import onelogin.saml2'], { stdio: 'ignore' }).status === 0,
    install: 'python3-onelogin-saml2',
  },
  {
    what: "pysaml2 (under Debian's /usr/bin/python3)",
    ok: () => spawnSync('/usr/bin/python3', ['-c', 'import saml2'], { stdio: 'ignore' }).status === 0,
    install: 'python3-pysaml2',
  },
  {
    what: 'PostgreSQL server',
    ok: () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0,
    install: 'postgresql',
  },
  { what: 'Chromium', ok: () => existsSync('/usr/bin/chromium'), install: 'chromium' },
];
const missing = requirements.filter((r) => !r.ok());
if (missing.length > 0) {
  for (const r of missing) console.error(`missing: ${r.what}. Install it with: apt-get install ${r.install}`);
  console.error('or run: bash scripts/install-system-deps.sh');
  process.exit(1);
}

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
const files = ['packages', 'apps', 'test']
  .flatMap((dir) => testFiles(join(root, dir)))
  .map((path) => relative(root, path))
  .filter((path) => only.length === 0 || only.some((prefix) => path.startsWith(prefix)))
  .sort();
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
