import { H3ErrorCode } from './h3-error.js';
import { TlvReader, encodeTlv } from './tlv.js';

/**
 * Capsule types (RFC 9297 §3.2, draft-ietf-webtrans-http3-16 §5.6 and §9.6). Unknown types,
 * including the GREASE capsule Chromium sends after its CONNECT, must be ignored (RFC 9297 §3.2).
 */
export const CapsuleType = {
  DATAGRAM: 0x00,
  /** WT_CLOSE_SESSION. */
  CLOSE_WEBTRANSPORT_SESSION: 0x2843,
  /** WT_DRAIN_SESSION (length 0). */
  DRAIN_WEBTRANSPORT_SESSION: 0x78ae,
  /** draft-16 flow control; not used by draft-02 peers such as Chromium 156. */
  WT_MAX_DATA: 0x190b4d3d,
  WT_MAX_STREAMS_BIDI: 0x190b4d3f,
  WT_MAX_STREAMS_UNI: 0x190b4d40,
  WT_DATA_BLOCKED: 0x190b4d41,
  WT_STREAMS_BLOCKED_BIDI: 0x190b4d43,
  WT_STREAMS_BLOCKED_UNI: 0x190b4d44,
} as const;

/** Serialises one capsule: Type (i), Length (i), Value (RFC 9297 §3.2). */
export function encodeCapsule(type: number, payload: Uint8Array): Uint8Array {
  return encodeTlv(type, payload);
}

export interface CapsuleReaderOptions {
  /** Largest capsule value accepted; larger declared lengths are EXCESSIVE_LOAD. Default 64 KiB. */
  maxPayloadBytes?: number;
}

/**
 * Splits the capsule-protocol data stream (the concatenated payloads of the DATA frames on a
 * CONNECT stream) into capsules, which may straddle DATA frames. A stream ending inside a
 * capsule is a malformed message (RFC 9297 §3.3): `end()` throws H3Error(MESSAGE_ERROR).
 */
export class CapsuleReader extends TlvReader {
  constructor(options: CapsuleReaderOptions = {}) {
    super(options.maxPayloadBytes ?? 64 * 1024, {
      what: 'capsule',
      truncatedCode: H3ErrorCode.MESSAGE_ERROR,
    });
  }
}
