import { CodingError, Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { type KeyValuePair, readKeyValuePair, writeKeyValuePair } from '../message/index.js';

/** §Object Extension Header: key-value pairs kept raw, in order, for relays to forward. */
export type ExtensionHeaders = readonly KeyValuePair[];

/** Well-known extension header types (§Extension Headers). */
export const ExtensionHeaderType = {
  ImmutableExtensions: 0x0b,
  PriorGroupIdGap: 0x3c,
  PriorObjectIdGap: 0x3e,
} as const;

/** The serialized pairs, without the length prefix. */
export function encodeExtensionHeaders(headers: ExtensionHeaders): Uint8Array {
  const w = new Writer(32);
  for (const pair of headers) writeKeyValuePair(w, pair);
  return w.finish();
}

/** Extension Headers Length (i) followed by the pairs. */
export function writeExtensionHeaders(w: Writer, headers: ExtensionHeaders): void {
  w.lengthPrefixedBytes(encodeExtensionHeaders(headers));
}

/** Parses an extension block; pairs that do not exactly fill it are a PROTOCOL_VIOLATION. */
export function decodeExtensionHeaders(block: Uint8Array): KeyValuePair[] {
  const r = new Reader(block);
  const headers: KeyValuePair[] = [];
  try {
    while (r.remaining > 0) headers.push(readKeyValuePair(r));
  } catch (e) {
    if (e instanceof CodingError)
      throw MoqError.protocolViolation(`extension headers: ${e.message}`);
    throw e;
  }
  return headers;
}
