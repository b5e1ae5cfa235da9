// A software FIDO2 authenticator for the passkey tests: ES256 keys from node:crypto, attestation
// "none", CBOR written by hand (the few shapes WebAuthn needs). It answers the options the Directory's
// pages carry, as a browser and its authenticator would, and can be told to lie (another origin or
// RP ID, no user verification, a counter that does not move) so that each check is seen to refuse.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { decodeEntities } from './browser.ts';

type Cbor = number | string | Uint8Array | CborMap | CborArray | CborRecord;
interface CborMap extends Map<number | string, Cbor> {}
interface CborArray extends Array<Cbor> {}
interface CborRecord {
  [key: string]: Cbor;
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
  userHandle: string;
}

/** What a test may change about one answer. */
export interface Lie {
  origin?: string;
  rpId?: string;
  challenge?: string;
  userVerified?: boolean;
  /** The signature counter to send (else the next one). */
  counter?: number;
}

export class SoftwareAuthenticator {
  readonly origin: string;
  readonly credentials: Credential[] = [];
  /** Backup eligible (a synced passkey) rather than device-bound. */
  readonly backupEligible: boolean;
  /** Keeps no signature counter (always 0), as many synced passkeys do. */
  readonly counterless: boolean;

  constructor(origin: string, options: { backupEligible?: boolean; counterless?: boolean } = {}) {
    this.origin = origin;
    this.backupEligible = options.backupEligible ?? false;
    this.counterless = options.counterless ?? false;
  }

  private flags(lie: Lie, attested: boolean): number {
    const uv = lie.userVerified ?? true;
    return 0x01 | (uv ? 0x04 : 0) | (this.backupEligible ? 0x18 : 0) | (attested ? 0x40 : 0);
  }

  private clientData(type: string, challenge: string, lie: Lie): Buffer {
    return Buffer.from(
      JSON.stringify({
        type,
        challenge: lie.challenge ?? challenge,
        origin: lie.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  /** navigator.credentials.create(): a new ES256 credential, its attestation object ("none"). */
  register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, lie: Lie = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(16);
    const counter = lie.counter ?? 0;
    const rpId = lie.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const coseKey = new Map<number, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(lie, true)]),
      count,
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      cbor(coseKey),
    ]);
    this.credentials.push({ id, privateKey, publicKey, counter, userHandle: options.user.id });
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, lie);
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData: new Uint8Array(authData) })),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): an assertion by the first allowed credential this authenticator holds. */
  authenticate(
    options: { challenge: string; rpId?: string; allowCredentials?: Array<{ id: string }> },
    lie: Lie = {},
  ) {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = this.credentials.find((c) => allowed.size === 0 || allowed.has(b64url(c.id)));
    if (!credential) throw new Error('no credential for these options');
    if (lie.counter === undefined && !this.counterless) credential.counter += 1;
    const counter = lie.counter ?? credential.counter;
    const rpId = lie.rpId ?? options.rpId ?? new URL(this.origin).hostname;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(lie, false)]), count]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, lie);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** The WebAuthn options a passkey page carries (its form's data-options). */
export function passkeyOptionsOf<T = Record<string, unknown>>(page: string): T {
  const attribute = /data-options="([^"]*)"/.exec(page)?.[1];
  if (attribute === undefined) throw new Error(`no passkey form on this page:\n${page.slice(0, 800)}`);
  return JSON.parse(decodeEntities(attribute)) as T;
}

/** The refusal code a passkey page shows (data-code), or null. */
export function refusalOf(page: string): string | null {
  return /data-code="([A-Z_]+)"/.exec(page)?.[1] ?? null;
}
