// Debian's Apache httpd as a test peer: our own configuration file in a temporary directory (never
// /etc/apache2), its own ServerRoot, PidFile, runtime directory and port on 127.0.0.1, modules loaded
// by absolute path; started in the foreground so that its PID is the child's, stopped by that PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const APACHE = '/usr/sbin/apache2';
export const MODULES = '/usr/lib/apache2/modules';

/** The modules every peer's httpd needs: one process model, access control, the CGI page. */
const BASE_MODULES = [
  'mpm_prefork',
  'authn_core',
  'authz_core',
  'authz_user',
  'alias',
  'cgi',
  'env',
  'setenvif',
];

export interface Apache {
  /** The httpd parent's PID (the process this harness started). */
  pid: number;
  /** What the peer logged (error log and standard streams), for failure messages. */
  log(): string;
  /** SIGTERM to the parent (it stops its children), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * A CGI page that shows what the web server hands the application after sign-in: REMOTE_USER and the
 * peer's own variables (MELLON_*, Shibboleth's attributes), one `NAME=value` a line, sorted.
 */
export function writeWhoamiPage(dir: string, prefixes: string[]): string {
  const path = join(dir, 'whoami.cgi');
  const pattern = ['REMOTE_USER', ...prefixes].map((p) => `^${p}`).join('|');
  writeFileSync(
    path,
    `#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv | grep -E '${pattern}' | sort\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function workerUser(): { name: string; group: string; uid: number; gid: number } {
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'www-data'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('no www-data user: is apache2 installed?');
  return { name: 'www-data', group: 'www-data', uid, gid: id('-g') };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true }))
    chownSync(join(entry.parentPath, entry.name), uid, gid);
}

/**
 * Starts httpd with `site` (the peer's own directives) after a minimal server configuration: the
 * modules in BASE_MODULES and `modules` (`<module symbol> <absolute path>`, as in LoadModule), `Listen
 * 127.0.0.1:port`, logs in `dir`. Resolves once the port answers.
 */
export async function startApache(options: {
  dir: string;
  port: number;
  serverName: string;
  modules: string[];
  site: string;
  env?: Record<string, string>;
}): Promise<Apache> {
  if (!existsSync(APACHE))
    throw new Error('Apache httpd is not installed: bash scripts/install-system-deps.sh');
  const { dir, port } = options;
  const load = [
    ...BASE_MODULES.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    ...options.modules.map((m) => `LoadModule ${m}`),
  ];
  // As root, httpd's workers drop to Debian's Apache user, which then must read the peer's files (its
  // key and metadata), as in an installed site.
  const user = process.getuid?.() === 0 ? workerUser() : null;
  const errorLog = join(dir, 'error.log');
  const conf = join(dir, 'httpd.conf');
  writeFileSync(
    conf,
    [
      `ServerRoot "${dir}"`,
      `ServerName ${options.serverName}:${port}`,
      `Listen 127.0.0.1:${port}`,
      `PidFile "${join(dir, 'httpd.pid')}"`,
      `DefaultRuntimeDir "${dir}"`,
      `Mutex file:${dir} default`,
      `ErrorLog "${errorLog}"`,
      'LogLevel warn',
      ...(user ? [`User ${user.name}`, `Group ${user.group}`] : []),
      ...load,
      // Few processes: the machine is shared; one browser is the only client.
      'StartServers 1',
      'MinSpareServers 1',
      'MaxSpareServers 3',
      'MaxRequestWorkers 6',
      'UseCanonicalName On',
      options.site,
      '',
    ].join('\n'),
  );
  if (user) chownTree(dir, user.uid, user.gid);
  let output = '';
  const child: ChildProcess = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: on stop, httpd signals its whole group, which must not be this test's.
    detached: true,
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => `${output}${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`httpd exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`httpd did not start listening on ${port}:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** What the whoami page shows, as NAME → value (first value of each name). */
export function parseWhoami(text: string): Record<string, string> {
  const received: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) received[line.slice(0, at)] ??= line.slice(at + 1);
  }
  return received;
}
