// Real servers for end-to-end tests and benchmarks: each service runs as its own Node process (the
// same `src/main.ts` that `npm start` runs), on a free loopback port, and is waited for on /healthz.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SERVICE_ENVIRONMENT, SERVICE_NODE_OPTIONS } from '@federa/kit';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningService {
  baseUrl: string;
  process: ChildProcess;
  /** Everything the process printed, for assertions and for failure messages. */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the instance dies with requests in flight. */
  kill(): Promise<void>;
}

/** Starts `entry` (relative to the repository) with `env` and waits until `healthUrl` answers 200. */
export async function startService(options: {
  entry: string;
  env: Record<string, string>;
  baseUrl: string;
  timeoutMs?: number;
  /** Node options before the entry, e.g. `--cpu-prof` for a benchmark's profile. */
  nodeArgs?: string[];
}): Promise<RunningService> {
  let output = '';
  const args = [...SERVICE_NODE_OPTIONS, ...(options.nodeArgs ?? []), options.entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...SERVICE_ENVIRONMENT,
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.entry} exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${options.baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.entry} did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl: options.baseUrl,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
