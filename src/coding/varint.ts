import { CodingError } from './coding-error.js';

/** Largest value a QUIC variable-length integer can hold (RFC 9000 §16): 2^62 - 1. */
export const VARINT_MAX = (1n << 62n) - 1n;

/**
 * Number of bytes the QUIC varint encoding of `value` takes (RFC 9000 §16).
 * Values are JS numbers: every varint this project sends fits in 2^53.
 */
export function varintSize(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CodingError('VARINT_RANGE', `varint out of range: ${value}`);
  }
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x40000000) return 4;
  return 8;
}

/** Writes `value` at `offset` and returns the offset after it. The caller sized the buffer. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  const size = varintSize(value);
  switch (size) {
    case 1:
      target[offset] = value;
      break;
    case 2:
      target[offset] = 0x40 | (value >>> 8);
      target[offset + 1] = value & 0xff;
      break;
    case 4:
      new DataView(target.buffer, target.byteOffset + offset, 4).setUint32(0, value + 0x80000000);
      break;
    default: {
      const view = new DataView(target.buffer, target.byteOffset + offset, 8);
      const high = Math.floor(value / 0x100000000);
      view.setUint32(0, (high | 0xc0000000) >>> 0);
      view.setUint32(4, value >>> 0);
    }
  }
  return offset + size;
}

export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(varintSize(value));
  writeVarint(out, 0, value);
  return out;
}

/** A decoded varint and the number of bytes it took. */
export interface DecodedVarint {
  value: number;
  size: number;
}

/**
 * Reads a varint at `offset`, or returns undefined when the buffer ends inside it (so stream
 * parsers can wait for more bytes). Throws `CodingError` for values beyond 2^53.
 */
export function readVarint(source: Uint8Array, offset = 0): DecodedVarint | undefined {
  if (offset >= source.length) return undefined;
  const first = source[offset] as number;
  const size = 1 << (first >> 6);
  if (offset + size > source.length) return undefined;
  if (size === 1) return { value: first & 0x3f, size };
  const view = new DataView(source.buffer, source.byteOffset + offset, size);
  if (size === 2) return { value: view.getUint16(0) & 0x3fff, size };
  if (size === 4) return { value: view.getUint32(0) & 0x3fffffff, size };
  const high = view.getUint32(0) & 0x3fffffff;
  const value = high * 0x100000000 + view.getUint32(4);
  if (!Number.isSafeInteger(value)) {
    throw new CodingError('VARINT_RANGE', `varint beyond 2^53: high word ${high}`);
  }
  return { value, size };
}
