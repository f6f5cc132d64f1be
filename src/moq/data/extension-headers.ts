import { CodingError, Reader, type VarintEncoding, Writer } from '../../coding/index.js';
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
export function encodeExtensionHeaders(
  headers: ExtensionHeaders,
  encoding: VarintEncoding = 'quic',
): Uint8Array {
  const w = new Writer(32, encoding);
  for (const pair of headers) writeKeyValuePair(w, pair);
  return w.finish();
}

/** Extension Headers Length (i) followed by the pairs. */
export function writeExtensionHeaders(w: Writer, headers: ExtensionHeaders): void {
  // The block's integers are in the stream's encoding (draft-18: vi64).
  w.lengthPrefixedBytes(encodeExtensionHeaders(headers, w.encoding));
}

/** Parses an extension block; pairs that do not exactly fill it are a PROTOCOL_VIOLATION. */
export function decodeExtensionHeaders(
  block: Uint8Array,
  encoding: VarintEncoding = 'quic',
): KeyValuePair[] {
  const r = new Reader(block, encoding);
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
