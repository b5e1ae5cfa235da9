import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

// argon2id (the package's default algorithm) with OWASP's second recommended profile: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Each run holds its 19 MiB on one of libuv's 4 threads. More runs at once than cores only take
// turns on them, finishing no sooner, while each holds its memory: 32 sign-ins at once on 2 cores
// peaked at 4 × 19 MiB above the Directory's usual resident set.
const AT_ONCE = availableParallelism();
let running = 0;
const waiting: (() => void)[] = [];

async function oneCorePerRun<T>(run: () => Promise<T>): Promise<T> {
  if (running < AT_ONCE) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await run();
  } finally {
    // A waiting run takes over this one's place; only when none waits does the count drop.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return oneCorePerRun(() => hash(password, OPTIONS));
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await oneCorePerRun(() => verify(stored, password));
  } catch {
    return false;
  }
}

/** A readable generated password (for first administrators and demo users): 20 characters, ~119 bits. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < 20; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
