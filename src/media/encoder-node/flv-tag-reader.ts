import { concatBytes, view } from '../cmaf/index.js';
import { EncoderError } from './encoder-error.js';

/** One FLV tag (Adobe FLV spec v10.1, E.4.1): its type, 32-bit millisecond timestamp, body. */
export interface FlvTag {
  /** 8 audio, 9 video, 18 script data. */
  type: number;
  timestampMs: number;
  data: Uint8Array;
}

const FILE_HEADER_BYTES = 9;
const PREVIOUS_TAG_SIZE_BYTES = 4;
const TAG_HEADER_BYTES = 11;
/** More than any frame ffmpeg writes; a larger size means the stream is not FLV. */
const MAX_TAG_BYTES = 64 * 1024 * 1024;

/**
 * Splits an FLV byte stream, as it arrives in pieces from a pipe, into whole tags. Each tag is
 * returned as soon as its last byte is in: FLV states every tag's size up front, which is why
 * the encoder's video goes through it (MP4's muxer holds a fragment until the next frame).
 */
export class FlvTagReader {
  #pending: Uint8Array = new Uint8Array(0);
  #headerRead = false;

  push(bytes: Uint8Array): FlvTag[] {
    this.#pending = this.#pending.length === 0 ? bytes : concatBytes([this.#pending, bytes]);
    const tags: FlvTag[] = [];
    let at = this.#headerRead ? 0 : this.#readHeader();
    if (at < 0) return tags;
    for (;;) {
      const tag = this.#readTag(at);
      if (!tag) break;
      tags.push(tag.tag);
      at = tag.end;
    }
    this.#pending = this.#pending.subarray(at);
    return tags;
  }

  /** Returns where the first tag starts, or −1 while the header is incomplete. */
  #readHeader(): number {
    const bytes = this.#pending;
    if (bytes.length < FILE_HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES) return -1;
    if (bytes[0] !== 0x46 || bytes[1] !== 0x4c || bytes[2] !== 0x56) {
      throw new EncoderError('BAD_OUTPUT', 'the encoder output is not FLV (no "FLV" signature)');
    }
    const headerBytes = view(bytes).getUint32(5);
    this.#headerRead = true;
    return headerBytes + PREVIOUS_TAG_SIZE_BYTES;
  }

  #readTag(at: number): { tag: FlvTag; end: number } | undefined {
    const bytes = this.#pending;
    if (bytes.length - at < TAG_HEADER_BYTES) return undefined;
    const data = view(bytes);
    const sizeBytes = data.getUint32(at) & 0xffffff;
    if (sizeBytes > MAX_TAG_BYTES) {
      throw new EncoderError('BAD_OUTPUT', `an FLV tag of ${sizeBytes} bytes`);
    }
    const end = at + TAG_HEADER_BYTES + sizeBytes + PREVIOUS_TAG_SIZE_BYTES;
    if (bytes.length < end) return undefined;
    // Timestamp: 24 low bits, then TimestampExtended as the high 8 bits.
    const timestampMs = ((data.getUint32(at + 4) >>> 8) | (bytes[at + 7]! << 24)) >>> 0;
    const bodyStart = at + TAG_HEADER_BYTES;
    return {
      tag: {
        type: bytes[at]! & 0x1f,
        timestampMs,
        // A view, not a copy: the pushed bytes are never written again, and the packager copies
        // the body once, into its mdat.
        data: bytes.subarray(bodyStart, bodyStart + sizeBytes),
      },
      end,
    };
  }
}
