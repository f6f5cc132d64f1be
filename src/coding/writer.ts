import { CodingError } from './coding-error.js';
import type { VarintEncoding } from './reader.js';
import { varintSize, writeVarint } from './varint.js';
import { vi64Size, writeVi64 } from './vi64.js';

const utf8 = new TextEncoder();
const VARINT_BIG_MAX = (1n << 62n) - 1n;

/** Builds one message into a growable buffer. */
export class Writer {
  #buffer: Uint8Array;
  #length = 0;

  constructor(
    initialSizeBytes = 64,
    readonly encoding: VarintEncoding = 'quic',
  ) {
    this.#buffer = new Uint8Array(initialSizeBytes);
  }

  varint(value: number): this {
    if (this.encoding === 'vi64') {
      this.#reserve(vi64Size(value));
      this.#length = writeVi64(this.#buffer, this.#length, value);
      return this;
    }
    this.#reserve(varintSize(value));
    this.#length = writeVarint(this.#buffer, this.#length, value);
    return this;
  }

  u8(value: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
    return this;
  }

  u32(value: number): this {
    this.#reserve(4);
    new DataView(this.#buffer.buffer, this.#length, 4).setUint32(0, value);
    this.#length += 4;
    return this;
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new CodingError('INVALID_VALUE', `u16 out of range: ${value}`);
    }
    this.#reserve(2);
    this.#buffer[this.#length++] = value >>> 8;
    this.#buffer[this.#length++] = value & 0xff;
    return this;
  }

  /** A varint from a bigint, always in the 8-byte form when it does not fit a smaller one. */
  varintBig(value: bigint): this {
    if (value < 0n || value > VARINT_BIG_MAX) {
      throw new CodingError('VARINT_RANGE', `varint out of range: ${value}`);
    }
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) return this.varint(Number(value));
    if (this.encoding === 'vi64') throw new CodingError('VARINT_RANGE', `beyond 2^53: ${value}`);
    this.#reserve(8);
    for (let shift = 56n; shift >= 0n; shift -= 8n) {
      this.#buffer[this.#length++] = Number((value >> shift) & 0xffn) | (shift === 56n ? 0xc0 : 0);
    }
    return this;
  }

  /** `x (b)`: a varint length, then the bytes. */
  lengthPrefixedBytes(value: Uint8Array): this {
    return this.varint(value.length).bytes(value);
  }

  /** A length-prefixed UTF-8 string. */
  utf8String(value: string): this {
    return this.lengthPrefixedBytes(utf8.encode(value));
  }

  bytes(value: Uint8Array): this {
    this.#reserve(value.length);
    this.#buffer.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  get length(): number {
    return this.#length;
  }

  /** The written bytes (a view; the writer must not be reused afterwards). */
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(sizeBytes: number): void {
    if (this.#length + sizeBytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + sizeBytes));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}
