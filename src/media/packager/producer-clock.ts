import { AnchoredClock, rewritePrft, type CmafChunk } from '../cmaf/index.js';

/**
 * The wall clock at which a real-time source produced each sample: anchor + media time, the
 * way HLS's EXT-X-PROGRAM-DATE-TIME dates a segment. ffmpeg's own `prft wallclock` is the
 * moment a chunk left the muxer, so an encoder falling behind real time would hide its growing
 * delay there; against an anchored clock that delay shows as latency, which is the truth a
 * viewer sees. The anchor is the smallest (prft − media time) seen so far over every track
 * (one ffmpeg, one clock): the chunk that waited least in the encoder. It only ever moves
 * earlier, so a slow start (encoder warm-up, a backlog ffmpeg's `-re` then catches up on) is
 * not mistaken for the source's pace, and a later backlog never hides in it.
 */
export class ProducerClock {
  readonly #clock = new AnchoredClock();

  /** Rewrites the chunk's prft to the anchored clock; returns the time it now carries. */
  stamp(chunk: CmafChunk, timescale: number): number | undefined {
    if (chunk.producerTimeMs === undefined || timescale <= 0) return chunk.producerTimeMs;
    const mediaMs = (chunk.baseDecodeTime / timescale) * 1000;
    const wallClockMs = this.#clock.at(mediaMs, chunk.producerTimeMs);
    rewritePrft(chunk.bytes, wallClockMs, chunk.baseDecodeTime);
    chunk.producerTimeMs = wallClockMs;
    return wallClockMs;
  }

  get anchorMs(): number | undefined {
    return this.#clock.anchorMs;
  }
}
