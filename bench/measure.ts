import { performance } from 'node:perf_hooks';

/** How long each contender runs, from BENCH_SECONDS (default 3), and its warm-up (a third of that, ≤ 1 s). */
export function benchSeconds(): { seconds: number; warmupSeconds: number } {
  const raw = process.env.BENCH_SECONDS;
  const seconds = raw === undefined || raw === '' ? 3 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`BENCH_SECONDS must be a positive number of seconds, not ${JSON.stringify(raw)}.`);
  }
  return { seconds, warmupSeconds: Math.min(1, seconds / 3) };
}

/**
 * Operations per second of each contender, each operation awaited before the next starts. Each runs
 * `warmupSeconds` first, so that the JIT has compiled its hot paths; then the contenders take turns,
 * in three rounds of a third of `seconds` each, so that a change in the machine's load (other
 * processes on a shared runner) weighs on every contender alike rather than on the last one.
 *
 * @example
 * const [oursRate, peerRate] = await opsPerSecond([() => ours(xml), () => peer(xml)], benchSeconds());
 */
export async function opsPerSecond<const T extends ReadonlyArray<() => unknown>>(
  contenders: T,
  timing: { seconds: number; warmupSeconds: number },
): Promise<{ -readonly [K in keyof T]: number }> {
  const rounds = 3;
  for (const operation of contenders) await runFor(operation, timing.warmupSeconds);
  const counts = contenders.map(() => 0);
  const elapsed = contenders.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [i, operation] of contenders.entries()) {
      const { count, elapsedMs } = await runFor(operation, timing.seconds / rounds);
      counts[i]! += count;
      elapsed[i]! += elapsedMs;
    }
  }
  return counts.map((count, i) => (count * 1000) / elapsed[i]!) as { -readonly [K in keyof T]: number };
}

async function runFor(
  operation: () => unknown,
  seconds: number,
): Promise<{ count: number; elapsedMs: number }> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let count = 0;
  let now = start;
  do {
    await operation();
    count++;
    now = performance.now();
  } while (now < end);
  return { count, elapsedMs: now - start };
}

/** `12.0x node-saml` when ours is faster, `0.45 of crypto.sign` when it is a fraction of the other. */
export function ratio(
  ours: number,
  theirs: number,
  name: string,
  style: 'times' | 'fraction' = 'times',
): string {
  const r = ours / theirs;
  return style === 'times' ? `${r.toFixed(1)}x ${name}` : `${r.toFixed(2)} of ${name}`;
}

/** One figure per line, `name: value unit (comparisons)`, as DESIGN.md asks of every benchmark. */
export function printFigure(
  name: string,
  value: number,
  unit: string,
  comparisons: readonly string[] = [],
): void {
  const suffix = comparisons.length > 0 ? ` (${comparisons.join(', ')})` : '';
  console.log(`${name}: ${Math.round(value)} ${unit}${suffix}`);
}
