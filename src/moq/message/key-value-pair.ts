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

/**
 * How a pair's type is written: draft-14 writes it as is; from draft-15 on (§Key-Value-Pair
 * Structure of draft-16) it is a delta from the previous pair's type, so a list goes out sorted.
 */
export type KeyEncoding = 'absolute' | 'delta';

export function writeKeyValuePair(w: Writer, pair: KeyValuePair, previousType = 0): void {
  checkKeyValuePair(pair);
  w.varint(pair.type - previousType);
  if (typeof pair.value === 'number') w.varint(pair.value);
  else w.lengthPrefixedBytes(pair.value);
}

/** Writes the pairs without a count: in order, or sorted by type with delta-encoded types. */
export function writeKeyValuePairs(
  w: Writer,
  pairs: readonly KeyValuePair[],
  keys: KeyEncoding = 'absolute',
): void {
  if (keys === 'absolute') {
    for (const pair of pairs) writeKeyValuePair(w, pair);
    return;
  }
  let previous = 0;
  for (const pair of sortedByType(pairs)) {
    writeKeyValuePair(w, pair, previous);
    previous = pair.type;
  }
}

/** A stable sort, so repeated types (e.g. several tokens) keep their order. */
function sortedByType(pairs: readonly KeyValuePair[]): KeyValuePair[] {
  return pairs
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => a.pair.type - b.pair.type || a.index - b.index)
    .map(({ pair }) => pair);
}

export function readKeyValuePair(r: Reader, previousType = 0): KeyValuePair {
  const type = previousType + r.varint();
  // §Key-Value-Pair Structure (d16): a type past 2^64 - 1 closes the session; ours stop at 2^53.
  if (!Number.isSafeInteger(type)) throw MoqError.protocolViolation('key-value type overflows');
  if (isVarintType(type)) return { type, value: r.varint() };
  const length = r.varint();
  if (length > MAX_KEY_VALUE_BYTES) {
    throw MoqError.protocolViolation(`key-value ${type} of ${length} bytes exceeds 65535`);
  }
  return { type, value: r.bytes(length) };
}

/** Count-prefixed list, as in message parameters. */
export function writeKeyValueList(
  w: Writer,
  pairs: readonly KeyValuePair[],
  keys: KeyEncoding = 'absolute',
): void {
  w.varint(pairs.length);
  writeKeyValuePairs(w, pairs, keys);
}

export function readKeyValueList(r: Reader, keys: KeyEncoding = 'absolute'): KeyValuePair[] {
  const count = r.varint();
  const pairs: KeyValuePair[] = [];
  // Each pair takes at least 2 bytes, so a bogus count runs out of bytes quickly.
  for (let i = 0; i < count; i++) {
    const previous = keys === 'delta' ? (pairs.at(-1)?.type ?? 0) : 0;
    pairs.push(readKeyValuePair(r, previous));
  }
  return pairs;
}

/** Pairs up to the end of the reader (Track Extensions in draft-16 messages). */
export function readKeyValuePairsToEnd(r: Reader, keys: KeyEncoding): KeyValuePair[] {
  const pairs: KeyValuePair[] = [];
  while (r.remaining > 0) {
    const previous = keys === 'delta' ? (pairs.at(-1)?.type ?? 0) : 0;
    pairs.push(readKeyValuePair(r, previous));
  }
  return pairs;
}
