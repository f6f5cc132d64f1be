import { encodeVarint } from '../../coding/index.js';
import { FrameType, StreamType } from './types.js';
import { readLenientVarint } from './lenient-varint.js';

/** First bytes of a WebTransport bidi stream: signal 0x41, then the session ID (draft-16 §4.3). */
export function encodeBidiStreamHeader(sessionId: number): Uint8Array {
  return concat(encodeVarint(FrameType.WEBTRANSPORT_STREAM), encodeVarint(sessionId));
}

/** First bytes of a WebTransport uni stream: type 0x54, then the session ID (draft-16 §4.2). */
export function encodeUniStreamHeader(sessionId: number): Uint8Array {
  return concat(encodeVarint(StreamType.WEBTRANSPORT_UNI), encodeVarint(sessionId));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Reads `count` varints from the start of a stream (its type or signal, then e.g. a session ID),
 * or returns undefined until all of them have arrived: the peer may send a preamble in pieces.
 * `size` is where the stream body starts. Never throws for any input: a value beyond 2^53 comes
 * back rounded, which can only be an unknown (GREASE) stream type or an unusable session ID.
 */
export function readVarints(
  bytes: Uint8Array,
  count: number,
): { values: number[]; size: number } | undefined {
  const values: number[] = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    const decoded = readLenientVarint(bytes, size);
    if (!decoded) return undefined;
    values.push(decoded.value);
    size += decoded.size;
  }
  return { values, size };
}
