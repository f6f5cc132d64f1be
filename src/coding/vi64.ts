import { CodingError } from './coding-error.js';
import type { DecodedVarint } from './varint.js';

/**
 * MoQ Transport draft-18's own variable-length integer (§Variable-Length Integers): the count of
 * leading 1 bits of the first byte gives the length (1 to 9 bytes), the rest is the value, big
 * endian. Values are JS numbers, so anything beyond 2^53 is a typed error, never a wrong number.
 */

/** Largest value each length holds: 7, 14, 21, ... 56 usable bits, then the 9-byte form. */
const LIMITS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8].map((size) => 2 ** (size * 7));

/** Bytes the shortest encoding of `value` takes. */
export function vi64Size(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CodingError('VARINT_RANGE', `varint out of range: ${value}`);
  }
  const size = LIMITS.findIndex((limit) => value < limit);
  return size === -1 ? 9 : size + 1;
}

/** Writes `value` at `offset` and returns the offset after it. The caller sized the buffer. */
export function writeVi64(target: Uint8Array, offset: number, value: number): number {
  const size = vi64Size(value);
  let rest = value;
  for (let i = size - 1; i >= 1; i--) {
    target[offset + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  if (size === 9) {
    target[offset] = 0xff;
  } else {
    // `size - 1` leading ones, a zero, then the value's top bits.
    const prefix = (0xff00 >> (size - 1)) & 0xff;
    target[offset] = prefix | rest;
  }
  return offset + size;
}

export function encodeVi64(value: number): Uint8Array {
  const out = new Uint8Array(vi64Size(value));
  writeVi64(out, 0, value);
  return out;
}

/** The encoded length, known from the first byte alone. */
export function vi64SizeOfFirstByte(first: number): number {
  let size = 1;
  for (let bit = 0x80; bit > 0 && (first & bit) !== 0; bit >>= 1) size++;
  return Math.min(size, 9);
}

/**
 * Reads a vi64 at `offset`, or returns undefined when the buffer ends inside it (stream parsers
 * wait for more bytes). Non-minimal encodings are valid (§Variable-Length Integers).
 */
export function readVi64(source: Uint8Array, offset = 0): DecodedVarint | undefined {
  if (offset >= source.length) return undefined;
  const first = source[offset] as number;
  const size = vi64SizeOfFirstByte(first);
  if (offset + size > source.length) return undefined;
  // The first byte's bits after the length prefix (none in the 8- and 9-byte forms).
  let value = size >= 8 ? 0 : first & (0x7f >> (size - 1));
  for (let i = 1; i < size; i++) {
    value = value * 256 + (source[offset + i] as number);
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new CodingError('VARINT_RANGE', `varint beyond 2^53 at ${offset}`);
    }
  }
  return { value, size };
}
