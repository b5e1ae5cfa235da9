import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * What `npm test` does about the Debian packages the tests use as real peers, on a pretend machine:
 * the script's checks look under an empty directory (FEDERA_SYSTEM_ROOT) instead of this machine's
 * packages, and `id`, `sudo` and `apt-get` on PATH are fakes that record what they were asked. (The
 * real apt-get must not run: other work on this machine uses the packages it would touch.) The fake
 * apt-get "installs" a package by creating what the script's list says the tests need from it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/install-system-deps.sh');
const NPM_TEST = join(ROOT, 'scripts/test.ts');
const INSTALL_LINE = /^system packages: installing (.+), which the tests use as real peers/m;

const workDir = mkdtempSync(join(tmpdir(), 'federa-system-deps-'));
after(() => rmSync(workDir, { recursive: true, force: true }));
let machines = 0;

/** The script's one list: each package and the files that show it is there, for the fake apt-get. */
function packageList(): Array<{ name: string; files: string[] }> {
  const listed = spawnSync('bash', [SCRIPT, '--list'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  return listed.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [name = '', kind, ...args] = line.split(' ');
      if (kind === 'exe' || kind === 'file')
        return { name, files: args.map((path) => path.replaceAll('*', '15')) };
      if (kind === 'python')
        return {
          name,
          files: args.map((module) => `/usr/lib/python3/dist-packages/${module.replaceAll('.', '/')}`),
        };
      throw new Error(`this test does not know the check '${kind}' (for ${name}) yet`);
    });
}
const PACKAGES = packageList();
const ALL = PACKAGES.map((p) => p.name);

function executable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

// The fakes, put first on PATH. Each machine's own directory ($MACHINE) holds its answers and a log of
// the calls; the fake apt-get installs a package by creating the files listed in $MACHINE/provides/.
const FAKE_BIN = join(workDir, 'bin');
executable(join(FAKE_BIN, 'id'), '#!/bin/sh\necho "$FAKE_UID"\n');
executable(
  join(FAKE_BIN, 'sudo'),
  '#!/bin/sh\necho "sudo $*" >> "$MACHINE/calls.log"\n[ "$FAKE_SUDO" = no-password ] || exit 1\n' +
    '[ "$1" = -n ] && shift\nexec "$@"\n',
);
executable(
  join(FAKE_BIN, 'apt-get'),
  `#!/bin/bash
echo "apt-get $*" >> "$MACHINE/calls.log"
[ "$1" = install ] || exit 0
files=()
for package; do
  [ -f "$MACHINE/provides/$package" ] || continue
  while read -r file; do files+=("$FEDERA_SYSTEM_ROOT$file"); done < "$MACHINE/provides/$package"
done
[ \${#files[@]} -eq 0 ] || { mkdir -p "\${files[@]%/*}" && touch "\${files[@]}" && chmod +x "\${files[@]}"; }
`,
);

type Run = { status: number | null; stdout: string; stderr: string };

interface Machine {
  /** Runs the script (or `scripts/test.ts`, with `node`) on this machine. */
  run(command: 'script' | 'npm test', ...args: string[]): Run;
  /** What the fakes were asked, one command a line. */
  calls(): string[];
}

function machine(options: {
  installed: string[];
  uid: number;
  sudoWithoutPassword?: boolean;
  /** Packages whose install by the fake apt-get leaves out what the tests need. */
  brokenPackages?: string[];
}): Machine {
  const dir = join(workDir, `machine-${++machines}`);
  const systemRoot = join(dir, 'root');
  mkdirSync(join(dir, 'provides'), { recursive: true });
  writeFileSync(join(dir, 'calls.log'), '');
  for (const { name, files } of PACKAGES) {
    const provided = options.brokenPackages?.includes(name) ? [] : files;
    writeFileSync(join(dir, 'provides', name), provided.map((file) => `${file}\n`).join(''));
    if (options.installed.includes(name)) for (const file of files) executable(join(systemRoot, file), '');
  }
  // Debian's python3 is there; a module imports when its package put it there.
  executable(
    join(systemRoot, 'usr/bin/python3'),
    `#!/bin/bash
module=\${2#import }
test -e "\${0%/bin/python3}/lib/python3/dist-packages/\${module//.//}"
`,
  );

  const env = {
    ...process.env,
    PATH: `${FAKE_BIN}:${process.env.PATH}`,
    FEDERA_SYSTEM_ROOT: systemRoot,
    MACHINE: dir,
    FAKE_UID: String(options.uid),
    FAKE_SUDO: options.sudoWithoutPassword ? 'no-password' : 'none',
  };
  return {
    run(command, ...args) {
      const [file, argv] =
        command === 'script' ? ['bash', [SCRIPT, ...args]] : [process.execPath, [NPM_TEST, ...args]];
      const result = spawnSync(file, argv, { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    calls() {
      return readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
    },
  };
}

const APT_INSTALL = 'apt-get install -y --no-install-recommends';

describe('install-system-deps.sh --no-prompt (what npm test runs first)', () => {
  test('installs nothing when every package is there, even without root', () => {
    const host = machine({ installed: ALL, uid: 1000 });
    const run = host.run('script', '--no-prompt');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /all present/);
    assert.deepEqual(host.calls(), []);
  });

  test('on a fresh machine as root, says what it installs and why, then runs apt-get update and install', () => {
    const host = machine({ installed: [], uid: 0 });
    const run = host.run('script', '--no-prompt');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.match(INSTALL_LINE)?.[1], ALL.join(' '));
    assert.deepEqual(host.calls(), ['apt-get update', `${APT_INSTALL} ${ALL.join(' ')}`]);
    assert.equal(host.run('script', '--check').status, 0, 'everything is there afterwards');
  });

  test('as a user with sudo that needs no password, installs only the missing ones through sudo -n', () => {
    const missing = ['xmlsec1', 'python3-pysaml2', 'postgresql'];
    const host = machine({
      installed: ALL.filter((name) => !missing.includes(name)),
      uid: 1000,
      sudoWithoutPassword: true,
    });
    const run = host.run('script', '--no-prompt');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.match(INSTALL_LINE)?.[1], missing.join(' '));
    assert.deepEqual(host.calls(), [
      'sudo -n true',
      'sudo -n apt-get update',
      'apt-get update',
      `sudo -n env DEBIAN_FRONTEND=noninteractive ${APT_INSTALL} ${missing.join(' ')}`,
      `${APT_INSTALL} ${missing.join(' ')}`,
    ]);
  });

  test('as a user who may not install, installs nothing, names the missing ones and the command, and fails', () => {
    const host = machine({ installed: ALL.filter((name) => name !== 'chromium'), uid: 1000 });
    const run = host.run('script', '--no-prompt');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the tests use chromium as real peers/);
    assert.match(run.stderr, /^ {2}sudo bash scripts\/install-system-deps\.sh$/m);
    assert.deepEqual(host.calls(), ['sudo -n true'], 'only asked sudo whether it needs a password');
  });

  test('fails when apt-get succeeds but what the tests need from a package is still missing', () => {
    const host = machine({ installed: [], uid: 0, brokenPackages: ['python3-onelogin-saml2'] });
    const run = host.run('script', '--no-prompt');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the tests still miss what they need from: python3-onelogin-saml2 \(/);
  });
});

describe('install-system-deps.sh --check', () => {
  test('prints the missing packages, one a line, and fails; installs nothing', () => {
    const host = machine({ installed: ALL.filter((name) => name !== 'python3-lxml'), uid: 0 });
    const run = host.run('script', '--check');
    assert.equal(run.status, 1);
    assert.equal(run.stdout, 'python3-lxml\n');
    assert.deepEqual(host.calls(), []);
  });
});

describe('npm test (scripts/test.ts) on a machine without the packages', () => {
  // A path prefix that selects no test file: reaching "no test files found" shows that npm test went
  // on past the packages, without starting PostgreSQL or running the suite inside this test.
  const NOTHING = 'test/scripts/no-such-test-';

  test('as root, installs them and goes on to the tests', () => {
    const host = machine({ installed: [], uid: 0 });
    const run = host.run('npm test', NOTHING);
    assert.match(run.stdout, INSTALL_LINE);
    assert.deepEqual(host.calls(), ['apt-get update', `${APT_INSTALL} ${ALL.join(' ')}`]);
    assert.match(run.stderr, /no test files found/);
  });

  test('when it may not install them, stops with the command to run before any test', () => {
    const host = machine({ installed: [], uid: 1000 });
    const run = host.run('npm test', NOTHING);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /sudo bash scripts\/install-system-deps\.sh/);
    assert.doesNotMatch(run.stderr, /no test files found/);
    assert.deepEqual(host.calls(), ['sudo -n true']);
  });
});
