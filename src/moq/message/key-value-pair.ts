import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/**
 * §Key-Value-Pair: an even type carries a varint, an odd type a length-prefixed byte string
 * of at most 2^16 - 1 bytes. Used by message parameters and object extension headers.
 */
export interface KeyValuePair {
  readonly type: number;
  readonly value: number | Uint8Array;
}

export const MAX_KEY_VALUE_BYTES = 0xffff;

export function isVarintType(type: number): boolean {
  return type % 2 === 0;
}

/** Throws unless the value's shape matches the type's parity and limits. */
export function checkKeyValuePair(pair: KeyValuePair): void {
  const { type, value } = pair;
  if (!Number.isSafeInteger(type) || type < 0) {
    throw MoqError.protocolViolation(`invalid key-value type ${type}`);
  }
  if (isVarintType(type) !== (typeof value === 'number')) {
    throw MoqError.protocolViolation(`key-value type ${type} has the wrong value kind`);
  }
  if (value instanceof Uint8Array && value.length > MAX_KEY_VALUE_BYTES) {
    throw MoqError.protocolViolation(`key-value ${type} of ${value.length} bytes exceeds 65535`);
  }
}

export function writeKeyValuePair(w: Writer, pair: KeyValuePair): void {
  checkKeyValuePair(pair);
  w.varint(pair.type);
  if (typeof pair.value === 'number') w.varint(pair.value);
  else w.lengthPrefixedBytes(pair.value);
}

export function readKeyValuePair(r: Reader): KeyValuePair {
  const type = r.varint();
  if (isVarintType(type)) return { type, value: r.varint() };
  const length = r.varint();
  if (length > MAX_KEY_VALUE_BYTES) {
    throw MoqError.protocolViolation(`key-value ${type} of ${length} bytes exceeds 65535`);
  }
  return { type, value: r.bytes(length) };
}

/** Count-prefixed list, as in message parameters. */
export function writeKeyValueList(w: Writer, pairs: readonly KeyValuePair[]): void {
  w.varint(pairs.length);
  for (const pair of pairs) writeKeyValuePair(w, pair);
}

export function readKeyValueList(r: Reader): KeyValuePair[] {
  const count = r.varint();
  const pairs: KeyValuePair[] = [];
  // Each pair takes at least 2 bytes, so a bogus count runs out of bytes quickly.
  for (let i = 0; i < count; i++) pairs.push(readKeyValuePair(r));
  return pairs;
}
