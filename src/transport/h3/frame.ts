import { H3ErrorCode } from './h3-error.js';
import { TlvReader, encodeTlv } from './tlv.js';

/** Serialises one HTTP/3 frame: Type (i), Length (i), Frame Payload (RFC 9114 §7.1). */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  return encodeTlv(type, payload);
}

export interface FrameReaderOptions {
  /** Largest frame payload accepted; larger declared lengths are EXCESSIVE_LOAD. Default 64 KiB. */
  maxPayloadBytes?: number;
}

/**
 * Splits the bytes of an HTTP/3 stream (control or request stream) into frames. Unknown and
 * GREASE frame types are returned like any other: the caller ignores them (RFC 9114 §9).
 * `end()` at FIN throws H3Error(FRAME_ERROR) when the stream ended inside a frame (§7.1).
 */
export class FrameReader extends TlvReader {
  constructor(options: FrameReaderOptions = {}) {
    super(options.maxPayloadBytes ?? 64 * 1024, {
      what: 'frame',
      truncatedCode: H3ErrorCode.FRAME_ERROR,
    });
  }
}
