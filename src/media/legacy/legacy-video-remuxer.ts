import type { CatalogTrack } from '../catalog/index.js';
import { avcConfigFrom, lengthPrefixed, splitAnnexB } from './h264-annexb.js';
import { fromHex } from './hex.js';
import { LegacyFrameError, readLegacyFrame } from './legacy-frame.js';
import { fragment, videoInit } from '../cmaf/index.js';

const TIMESCALE_US = 1_000_000;

/** What one legacy object becomes: the init segment (once, at the first keyframe), a chunk. */
export interface Remuxed {
  init?: Uint8Array;
  chunk?: Uint8Array;
}

/**
 * Turns a hang `legacy` H.264 track into CMAF: an init segment built from the catalog's
 * `description` (avcC) or the first keyframe's SPS/PPS, then one `moof mdat` per frame with the
 * frame's own microsecond timestamp. Frames before the first keyframe are passed over.
 */
export class LegacyVideoRemuxer {
  readonly #track: CatalogTrack;
  readonly #annexB: boolean;
  #init: Uint8Array | undefined;
  #sequence = 1;

  constructor(track: CatalogTrack) {
    if (!/^avc[13]\./.test(track.codec)) {
      throw new LegacyFrameError(
        `only H.264 (avc1/avc3) legacy video can be recorded, not ${track.codec}`,
      );
    }
    this.#track = track;
    this.#annexB = !track.description;
  }

  push(objectId: number, payload: Uint8Array): Remuxed {
    const frame = readLegacyFrame(payload);
    if (!frame) return {};
    const keyframe = objectId === 0;
    const nals = this.#annexB ? splitAnnexB(frame.payload) : [];
    let init: Uint8Array | undefined;
    if (!this.#init) {
      if (!keyframe) return {};
      const avcC = this.#annexB ? avcConfigFrom(nals) : fromHex(this.#track.description ?? '');
      if (!avcC)
        throw new LegacyFrameError(
          'the first keyframe carries no SPS/PPS and the catalog no description',
        );
      init = this.#init = videoInit({
        codec: 'avc1',
        width: this.#track.width ?? 0,
        height: this.#track.height ?? 0,
        timescale: TIMESCALE_US,
        avcC,
      });
    }
    const sample = this.#annexB ? lengthPrefixed(nals) : frame.payload;
    const durationUs = Math.round(TIMESCALE_US / (this.#track.framerate ?? 30));
    const chunk = fragment(this.#sequence++, frame.timestampUs, durationUs, keyframe, sample);
    return init ? { init, chunk } : { chunk };
  }
}
