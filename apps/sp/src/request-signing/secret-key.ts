import { getRandomValues } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// SP_SECRET_KEY: the 32-byte key that seals each organization's SP signing key in the database (as
// IDP_SECRET_KEY does the Directory's). Unset, `npm start` keeps one in ./data/sp-secret.key.

export const DEFAULT_SP_SECRET_KEY_FILE = './data/sp-secret.key';

/** 64 hex characters or base64(url) of 32 bytes; null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

/**
 * The key in `file`, made there (mode 0600) when the file does not exist. Throws when the file holds
 * something else: a replaced key would leave every sealed signing key unreadable.
 */
export function readOrCreateSecretKeyFile(file: string): { key: Buffer; created: boolean } {
  try {
    const key = parseSecretKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a 32-byte key (64 hex characters)`);
    return { key, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = Buffer.from(getRandomValues(new Uint8Array(32)));
  mkdirSync(dirname(file), { recursive: true });
  // wx: never overwrite a key another instance has just written.
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return { key, created: true };
  } catch {
    return readOrCreateSecretKeyFile(file);
  }
}
