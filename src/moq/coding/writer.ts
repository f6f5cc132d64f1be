import { varintSize, writeVarint } from './varint.js';

/** Builds one message into a growable buffer. */
export class Writer {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initialSizeBytes = 64) {
    this.#buffer = new Uint8Array(initialSizeBytes);
  }

  varint(value: number): this {
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
