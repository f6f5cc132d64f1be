import { CodingError } from './coding-error.js';
import { readVarint } from './varint.js';
import { readVi64 } from './vi64.js';

/** Which varint the fields use: QUIC's (RFC 9000 §16, MoQT ≤ 16) or MoQT draft-18's vi64. */
export type VarintEncoding = 'quic' | 'vi64';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A cursor over a complete message. Every read past the end throws `CodingError('SHORT_BUFFER')`. */
export class Reader {
  #offset = 0;
  constructor(
    readonly source: Uint8Array,
    readonly encoding: VarintEncoding = 'quic',
  ) {}

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.source.length - this.#offset;
  }

  varint(): number {
    const read = this.encoding === 'vi64' ? readVi64 : readVarint;
    const decoded = read(this.source, this.#offset);
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

  u16(): number {
    this.#need(2);
    const high = this.source[this.#offset] as number;
    const low = this.source[this.#offset + 1] as number;
    this.#offset += 2;
    return (high << 8) | low;
  }

  /** A varint as a bigint: for the few fields that may legitimately hold up to 2^62 - 1. */
  varintBig(): bigint {
    if (this.encoding === 'vi64') return BigInt(this.varint());
    this.#need(1);
    const first = this.source[this.#offset] as number;
    const size = 1 << (first >> 6);
    this.#need(size);
    let value = BigInt(first & 0x3f);
    for (let i = 1; i < size; i++) {
      value = (value << 8n) | BigInt(this.source[this.#offset + i] as number);
    }
    this.#offset += size;
    return value;
  }

  /** `x (b)`: a varint length, then that many bytes (a view, not a copy). */
  lengthPrefixedBytes(maxLengthBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
    const length = this.varint();
    if (length > maxLengthBytes) {
      throw new CodingError('INVALID_VALUE', `length ${length} exceeds ${maxLengthBytes}`);
    }
    return this.bytes(length);
  }

  /** A length-prefixed UTF-8 string; invalid UTF-8 is `CodingError('INVALID_VALUE')`. */
  utf8String(maxLengthBytes = Number.MAX_SAFE_INTEGER): string {
    return decodeUtf8(this.lengthPrefixedBytes(maxLengthBytes));
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

/** Strict UTF-8 decoding: malformed input is a `CodingError`, never U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CodingError('INVALID_VALUE', 'invalid UTF-8');
  }
}
