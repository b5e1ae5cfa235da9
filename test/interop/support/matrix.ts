// The interop matrix of docs/interop.md, written by the test run: each peer's test file records the
// result of every scenario (each one a node:test test, so each cell is an assertion of `npm test`) and,
// once all of them ran, rewrites its own row of the table between the markers. The cells hold only
// results and the peer's Debian version, never times, so a run that passes leaves the file unchanged
// and a failure shows up in `git diff`.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../support/processes.ts';

export const MATRIX_FILE = join(ROOT, 'docs', 'interop.md');
const START = '<!-- interop-matrix:start (written by test/interop; do not edit by hand) -->';
const END = '<!-- interop-matrix:end -->';

/** The columns, in order. A peer without a scenario leaves its cell "n/a" with the reason. */
export const SCENARIOS = [
  'SP-initiated sign-in',
  'Signed AuthnRequest',
  'IdP-initiated sign-in',
  'SP-initiated single logout',
  'IdP-initiated single logout',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * Why some of the Directory's rows have no IdP-initiated single logout: the Directory's sign-out sends
 * each application of the session a LogoutRequest (`apps/idp/src/single-logout/`), asserted against the
 * SimpleSAMLphp SP; the other SP peers are not driven through it yet.
 */
export const IDP_SIGN_OUT_TESTED_WITH_SIMPLESAMLPHP = 'not tested: the SimpleSAMLphp SP covers it';

/**
 * The rows, in order: every peer issue 12 names, so rows not yet tested say so. `federa` is the Federa
 * side the peer works with: the Directory (the peer is its SP) or the Workspace (the peer is its IdP).
 */
const PEERS = [
  {
    name: 'Apache mod_auth_mellon',
    debian: 'libapache2-mod-auth-mellon',
    federa: 'Directory',
    test: 'test/interop/mellon.test.ts',
  },
  {
    name: 'Shibboleth SP',
    debian: 'libapache2-mod-shib',
    federa: 'Directory',
    test: 'test/interop/shibboleth.test.ts',
  },
  {
    name: 'SimpleSAMLphp SP',
    debian: 'simplesamlphp',
    federa: 'Directory',
    test: 'test/interop/simplesamlphp.test.ts',
  },
  {
    name: 'SimpleSAMLphp IdP',
    debian: 'simplesamlphp',
    federa: 'Workspace',
    test: 'test/interop/simplesamlphp.test.ts',
  },
] as const;
type PeerName = (typeof PEERS)[number]['name'];

type Cell = { result: 'pass' | 'fail' } | { result: 'n/a'; why: string };

export interface PeerMatrix {
  /** Runs `fn` as scenario `scenario`'s assertion and records whether it passed. */
  record(scenario: Scenario, fn: () => Promise<void>): Promise<void>;
  /** A scenario this peer does not offer, with the reason (shown in the cell). */
  notApplicable(scenario: Scenario, why: string): void;
  /** Rewrites this peer's row when every scenario has a result; returns whether it did. */
  write(): boolean;
}

export function peerMatrix(name: PeerName): PeerMatrix {
  const cells = new Map<Scenario, Cell>();
  return {
    async record(scenario, fn) {
      try {
        await fn();
        cells.set(scenario, { result: 'pass' });
      } catch (error) {
        cells.set(scenario, { result: 'fail' });
        throw error;
      }
    },
    notApplicable(scenario, why) {
      cells.set(scenario, { result: 'n/a', why });
    },
    write() {
      // A run of some scenarios only (a name pattern, a failure in `before`) says nothing of the others.
      if (SCENARIOS.some((s) => !cells.has(s))) return false;
      withLock(() => writeRow(name, cells));
      return true;
    },
  };
}

function debianVersion(pkg: string): string {
  // dpkg-query's own field syntax, not a template.
  const out = spawnSync('dpkg-query', ['-W', `-f=\${Version}`, pkg], { encoding: 'utf8' });
  return out.status === 0 && out.stdout ? out.stdout.trim() : 'not installed';
}

function cellText(cell: Cell): string {
  if (cell.result === 'n/a') return `n/a (${cell.why})`;
  return cell.result === 'pass' ? '✅ pass' : '❌ fail';
}

function writeRow(name: PeerName, cells: Map<Scenario, Cell>): void {
  const text = readFileSync(MATRIX_FILE, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${MATRIX_FILE} lacks the matrix markers`);
  const previous = new Map<string, string>();
  for (const line of text.slice(start + START.length, end).split('\n')) {
    const peer = /^\| ([^|]+?) \|/.exec(line)?.[1];
    if (peer) previous.set(peer, line);
  }
  const rows = PEERS.map((peer) => {
    if (peer.name === name) {
      const version = debianVersion(peer.debian);
      return `| ${peer.name} | ${peer.federa} | \`${peer.debian}\` ${version} | ${SCENARIOS.map((s) => cellText(cells.get(s)!)).join(' | ')} |`;
    }
    return (
      previous.get(peer.name) ??
      `| ${peer.name} | ${peer.federa} | \`${peer.debian}\` | ${SCENARIOS.map(() => 'not tested yet').join(' | ')} |`
    );
  });
  const table = [
    `| Peer | Federa side | Debian package | ${SCENARIOS.join(' | ')} |`,
    `|---|---|---|${SCENARIOS.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
  writeFileSync(MATRIX_FILE, `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`);
}

/** Peers' test files may finish at once (`npm test` runs two files at a time): one writer at a time. */
function withLock(fn: () => void): void {
  const lock = `${MATRIX_FILE}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
