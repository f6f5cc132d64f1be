import { Writer } from '../../coding/index.js';
import { CapsuleType, encodeCapsule } from './capsule.js';
import { H3Error, H3ErrorCode } from './h3-error.js';

/** draft-ietf-webtrans-http3-16 §6: the close message "MUST NOT exceed 1024 bytes". */
export const MAX_CLOSE_REASON_BYTES = 1024;

/**
 * The whole WT_CLOSE_SESSION capsule: Type 0x2843, Length, Application Error Code (32),
 * Application Error Message (UTF-8). A longer reason is cut at a UTF-8 character boundary, as
 * the draft requires of senders.
 */
export function encodeCloseSession(code: number, reason: string): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) {
    throw new RangeError(`close code must be a u32: ${code}`);
  }
  const message = truncateUtf8(new TextEncoder().encode(reason), MAX_CLOSE_REASON_BYTES);
  const payload = new Writer(4 + message.length).u32(code).bytes(message).finish();
  return encodeCapsule(CapsuleType.CLOSE_WEBTRANSPORT_SESSION, payload);
}

/** The longest prefix of `bytes` within `max` bytes that does not split a UTF-8 sequence. */
function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // bytes[end] is the first byte dropped; if it continues a sequence, drop that whole sequence.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * Parses a WT_CLOSE_SESSION capsule value. A value shorter than the code, a message over 1024
 * bytes or one that is not UTF-8 is H3Error(MESSAGE_ERROR) (draft-16 §6).
 */
export function decodeCloseSession(payload: Uint8Array): { closeCode: number; reason: string } {
  if (payload.length < 4) {
    throw new H3Error(H3ErrorCode.MESSAGE_ERROR, `WT_CLOSE_SESSION of ${payload.length} bytes`);
  }
  const closeCode = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
  const message = payload.subarray(4);
  if (message.length > MAX_CLOSE_REASON_BYTES) {
    throw new H3Error(H3ErrorCode.MESSAGE_ERROR, `close message of ${message.length} bytes`);
  }
  try {
    // ignoreBOM: a leading U+FEFF is part of the peer's text, not a marker to strip.
    const reason = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(message);
    return { closeCode, reason };
  } catch (e) {
    throw new H3Error(H3ErrorCode.MESSAGE_ERROR, 'close message is not UTF-8', { cause: e });
  }
}
