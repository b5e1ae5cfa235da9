import { generateCredential } from '../../src/keygen.ts';
import type { SigningCredential } from '../../src/keys.ts';

export interface TestCredential {
  credential: SigningCredential;
  certPem: string;
  keyPem: string;
}

const cache = new Map<string, Promise<TestCredential>>();

/**
 * An RSA-2048 key and a self-signed certificate for `CN=<cn>` (made with @peculiar/x509 over
 * node:crypto's webcrypto, by `generateCredential`), made once per `cn` in this process: key
 * generation costs ~100 ms, so tests asking for the same name share the credential.
 *
 * @example
 * const { credential, certPem } = await makeCredential('idp-signing');
 */
export function makeCredential(cn: string): Promise<TestCredential> {
  let made = cache.get(cn);
  if (!made) {
    made = generateCredential({ cn });
    cache.set(cn, made);
  }
  return made;
}
