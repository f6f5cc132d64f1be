import { CodingError } from './coding-error.js';
import { readVarint } from './varint.js';

/** A cursor over a complete message. Every read past the end throws `CodingError('SHORT_BUFFER')`. */
export class Reader {
  #offset = 0;
  constructor(readonly source: Uint8Array) {}

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.source.length - this.#offset;
  }

  varint(): number {
    const decoded = readVarint(this.source, this.#offset);
    if (!decoded) throw new CodingError('SHORT_BUFFER', `varint truncated at ${this.#offset}`);
    this.#offset += decoded.size;
    return decoded.value;
  }

  u8(): number {
    this.#need(1);
    return this.source[this.#offset++] as number;
  }

  u32(): number {
    this.#need(4);
    const view = new DataView(this.source.buffer, this.source.byteOffset + this.#offset, 4);
    this.#offset += 4;
    return view.getUint32(0);
  }

  bytes(length: number): Uint8Array {
    this.#need(length);
    const out = this.source.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  #need(length: number): void {
    if (length > this.remaining) {
      throw new CodingError(
        'SHORT_BUFFER',
        `need ${length} bytes at ${this.#offset}, have ${this.remaining}`,
      );
    }
  }
}
