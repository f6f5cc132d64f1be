import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HostPort } from './quiche.js';

/**
 * QUIC address validation under load (RFC 9000 §8.1.2): while many handshakes are pending, a
 * new client is answered with a Retry carrying a token only its own address can echo, so a
 * flood from spoofed or scripted sources costs one small packet each and no connection state.
 * The token is stateless: the time, the client's original destination CID and an HMAC over
 * them and the address, under a secret made at start.
 */
export interface AddressValidationOptions {
  /** Pending (unfinished) handshakes above which new clients must validate (default 100). */
  retryAbovePending: number;
  /** Pending handshakes one address may hold; more are dropped (default 256: a NAT of viewers joining at once). */
  maxPendingPerAddress: number;
  /** How long a Retry token stays good (default 10 s). */
  tokenLifetimeMs: number;
}

export const DEFAULT_ADDRESS_VALIDATION: AddressValidationOptions = {
  retryAbovePending: 100,
  maxPendingPerAddress: 256,
  tokenLifetimeMs: 10_000,
};

const MAC_BYTES = 16;

export class AddressValidator {
  readonly options: AddressValidationOptions;
  readonly #secret = randomBytes(32);
  readonly #pendingByHost = new Map<string, number>();
  #pending = 0;

  constructor(options: Partial<AddressValidationOptions> = {}) {
    this.options = { ...DEFAULT_ADDRESS_VALIDATION, ...options };
  }

  get pending(): number {
    return this.#pending;
  }

  /** Whether a new handshake from `host` must be dropped (its address holds too many). */
  overAddressCap(host: string): boolean {
    return (this.#pendingByHost.get(host) ?? 0) >= this.options.maxPendingPerAddress;
  }

  /** Whether new clients must show a Retry token before they get connection state. */
  get retrying(): boolean {
    return this.#pending >= this.options.retryAbovePending;
  }

  /** Counts a handshake from `host` until `done` settles (established or closed). */
  track(host: string, done: Promise<unknown>): void {
    this.#pending++;
    this.#pendingByHost.set(host, (this.#pendingByHost.get(host) ?? 0) + 1);
    const release = (): void => {
      this.#pending--;
      const left = (this.#pendingByHost.get(host) ?? 1) - 1;
      if (left > 0) this.#pendingByHost.set(host, left);
      else this.#pendingByHost.delete(host);
    };
    done.then(release, release);
  }

  token(from: HostPort, odcid: Uint8Array, nowMs = Date.now()): Uint8Array {
    const body = Buffer.alloc(9 + odcid.length);
    body.writeBigUInt64BE(BigInt(nowMs), 0);
    body.writeUInt8(odcid.length, 8);
    body.set(odcid, 9);
    return Buffer.concat([body, this.#mac(body, from)]);
  }

  /** The original destination CID a valid token carries; undefined for a bad or old one. */
  validate(token: Uint8Array, from: HostPort, nowMs = Date.now()): Uint8Array | undefined {
    if (token.length < 9 + MAC_BYTES) return undefined;
    const bytes = Buffer.from(token.buffer, token.byteOffset, token.length);
    const length = bytes.readUInt8(8);
    if (token.length !== 9 + length + MAC_BYTES) return undefined;
    const body = bytes.subarray(0, 9 + length);
    if (!timingSafeEqual(this.#mac(body, from), bytes.subarray(9 + length))) return undefined;
    const ageMs = nowMs - Number(bytes.readBigUInt64BE(0));
    if (ageMs < 0 || ageMs > this.options.tokenLifetimeMs) return undefined;
    return new Uint8Array(bytes.subarray(9, 9 + length));
  }

  #mac(body: Buffer, from: HostPort): Buffer {
    return createHmac('sha256', this.#secret)
      .update(body)
      .update(`${from.host}|${from.port}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
