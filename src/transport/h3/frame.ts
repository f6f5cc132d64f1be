import { H3ErrorCode } from './h3-error.js';
import { TlvReader, encodeTlv, type Tlv } from './tlv.js';

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
 */
export class FrameReader {
  readonly #tlv: TlvReader;

  constructor(options: FrameReaderOptions = {}) {
    // RFC 9114 §7.1: a frame truncated by the end of its stream is H3_FRAME_ERROR.
    this.#tlv = new TlvReader(options.maxPayloadBytes ?? 64 * 1024, {
      what: 'frame',
      truncatedCode: H3ErrorCode.FRAME_ERROR,
    });
  }

  get bufferedBytes(): number {
    return this.#tlv.bufferedBytes;
  }

  /** Queues received bytes (copied, so the caller may reuse its buffer). */
  push(chunk: Uint8Array): void {
    this.#tlv.push(chunk);
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Tlv | undefined {
    return this.#tlv.next();
  }

  /** Call at FIN: throws H3Error(FRAME_ERROR) if the stream ended inside a frame. */
  end(): void {
    this.#tlv.end();
  }
}
