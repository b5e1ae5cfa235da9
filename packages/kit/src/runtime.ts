import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Node options both services run with (`npm start`, the tests' and benchmarks' processes; operators
 * pass the same, see docs/operations.md). Each was measured with `npm run bench -- login` (PostgreSQL,
 * 32 users) for the services' peak resident set and CPU time per sign-in:
 *
 * - `--max-semi-space-size=8`: V8 sizes the young generation from the machine's memory; on one with a
 *   lot of it each semi-space grows to 64 MB under load, and a service to 250–400 MB for objects that
 *   live a millisecond. 8 MB (16 MB resident) costs no CPU; 4 MB saves 8 MB more but costs the
 *   Workspace 5–15 % more CPU per sign-in (twice the scavenges, more objects promoted).
 * - `--heap-growing-percent=50`: after each full collection V8 lets the old generation grow to up to
 *   4 × what survived when its heap limit is 2 GB or more (the default with plenty of memory).
 *   Objects of a sign-in still in flight after two scavenges are promoted and die soon after, so
 *   under load the Workspace's old generation went from 32 MB live to 110 MB before a collection
 *   (peaks 200–260 MB). 1.5 × keeps peaks within 30–40 MB of the resident set at start; the extra
 *   full collections cost no CPU per sign-in that five paired runs could tell from noise (±0.2 ms of
 *   3–6 ms). 1.25 × saved 5–9 MB more for 4–6 % more CPU.
 */
export const SERVICE_NODE_OPTIONS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=50',
];

/**
 * Environment both services run with, under what the caller's own environment sets (measured as
 * above):
 *
 * - `NODE_COMPILE_CACHE` (Node's own default folder): from the second start of unchanged code, Node
 *   takes each module type-stripped and compiled from there and never loads its TypeScript stripper
 *   (swc as WebAssembly, with its source and memory): 22 MB less per process, and a faster start. A
 *   start after a change strips the changed files again and carries the stripper. Processes may share
 *   the folder: Node writes each entry whole and checks it when reading.
 * - `MALLOC_ARENA_MAX=1` (glibc): V8's background threads (compilers, garbage collector) otherwise
 *   each get a malloc arena, and memory freed in one is not reused by another; one arena kept peaks
 *   6 MB lower on average (1–12 MB), with no difference in CPU time per sign-in on 2 cores.
 */
export const SERVICE_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'),
  MALLOC_ARENA_MAX: '1',
};
