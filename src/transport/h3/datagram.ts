import { encodeVarint } from '../../coding/index.js';
import { H3Error, H3ErrorCode } from './h3-error.js';
import { readLenientVarint } from './lenient-varint.js';

/**
 * The prefix of an HTTP/3 datagram (RFC 9297 §2.1): the Quarter Stream ID, i.e. the session's
 * CONNECT stream ID divided by four, which works because it is always a client bidi stream.
 */
export function encodeDatagramPrefix(sessionId: number): Uint8Array {
  if (!Number.isSafeInteger(sessionId) || sessionId < 0 || sessionId % 4 !== 0) {
    throw new RangeError(`session ID must be a client bidirectional stream ID: ${sessionId}`);
  }
  return encodeVarint(sessionId / 4);
}

/**
 * Splits a QUIC DATAGRAM payload into session ID and application bytes. A payload too short for
 * the Quarter Stream ID, or one of 2^60 or more, is H3Error(DATAGRAM_ERROR) (RFC 9297 §2.1).
 * A session ID beyond 2^53 comes back rounded; it matches no session and the caller drops it.
 */
export function decodeDatagram(bytes: Uint8Array): { sessionId: number; payload: Uint8Array } {
  const quarter = readLenientVarint(bytes);
  if (!quarter) throw new H3Error(H3ErrorCode.DATAGRAM_ERROR, 'datagram too short');
  // Only an 8-byte varint reaches 2^60: its bits 61..60 sit in 0x30 of the first byte.
  if (quarter.size === 8 && ((bytes[0] as number) & 0x30) !== 0) {
    throw new H3Error(H3ErrorCode.DATAGRAM_ERROR, 'Quarter Stream ID of 2^60 or more');
  }
  return { sessionId: quarter.value * 4, payload: bytes.subarray(quarter.size) };
}
