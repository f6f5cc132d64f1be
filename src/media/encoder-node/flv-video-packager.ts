import { AnchoredClock, concatBytes, fragment, prftBox, videoInit } from '../cmaf/index.js';
import { EncoderError } from './encoder-error.js';
import { FlvTagReader } from './flv-tag-reader.js';

const VIDEO_TAG = 9;
const CODEC_AVC = 7;
const KEY_FRAME = 1;
const AVC_SEQUENCE_HEADER = 0;
const AVC_NALU = 1;
/** 90 kHz: every common frame rate's frame duration is close to a whole number of ticks. */
const TIMESCALE = 90_000;

export interface FlvVideoPackagerOptions {
  width: number;
  height: number;
  /** The rendition's constant frame rate: FLV's millisecond times are snapped to its frames. */
  framerate: number;
  /** The wall clock for each chunk's `prft`; a test may pass its own. */
  nowMs?: () => number;
}

/**
 * Turns one H.264 rendition that ffmpeg writes as FLV into the same CMAF the rest of the path
 * reads: `ftyp moov` from the sequence header's avcC, then `prft moof mdat` per frame, written
 * the moment the frame's tag is complete. ffmpeg's own MP4 muxer writes a frame's fragment only
 * when the next frame arrives (it takes the sample's duration from the next timestamp); here the
 * duration is the frame rate's, so each frame goes out one frame (33 ms at 30 fps) sooner.
 *
 * FLV carries milliseconds; the encoder runs at a constant frame rate, so each time is snapped
 * to its frame number and decode times stay exact and contiguous in the 90 kHz timescale.
 */
export class FlvVideoPackager {
  readonly #reader = new FlvTagReader();
  readonly #options: FlvVideoPackagerOptions;
  readonly #nowMs: () => number;
  #initWritten = false;
  #sequence = 1;
  /** Frames reach this process late and in bursts when its event loop is busy. */
  readonly #clock = new AnchoredClock();

  constructor(options: FlvVideoPackagerOptions) {
    if (!(options.framerate > 0)) {
      throw new EncoderError('BAD_OPTIONS', `framerate must be > 0, not ${options.framerate}`);
    }
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Takes FLV bytes as they come; returns the CMAF bytes they complete (maybe none). */
  push(bytes: Uint8Array): Uint8Array | undefined {
    const out: Uint8Array[] = [];
    for (const tag of this.#reader.push(bytes)) {
      if (tag.type !== VIDEO_TAG || tag.data.length < 5) continue;
      const chunk = this.#videoTag(tag.data, tag.timestampMs);
      if (chunk) out.push(chunk);
    }
    if (out.length === 0) return undefined;
    return out.length === 1 ? out[0] : concatBytes(out);
  }

  #videoTag(data: Uint8Array, timestampMs: number): Uint8Array | undefined {
    const frameType = data[0]! >> 4;
    const codecId = data[0]! & 0x0f;
    if (codecId !== CODEC_AVC) {
      throw new EncoderError('BAD_OUTPUT', `FLV video codec ${codecId} is not H.264`);
    }
    const packetType = data[1];
    const body = data.subarray(5);
    if (packetType === AVC_SEQUENCE_HEADER) return this.#init(body);
    if (packetType !== AVC_NALU || body.length === 0) return undefined;
    if (!this.#initWritten) {
      throw new EncoderError('BAD_OUTPUT', 'an H.264 frame came before its sequence header');
    }
    return this.#frame(body, timestampMs, frameType === KEY_FRAME);
  }

  #init(avcC: Uint8Array): Uint8Array | undefined {
    // ffmpeg writes the sequence header once; a repeat carries nothing new for the player.
    if (this.#initWritten) return undefined;
    this.#initWritten = true;
    const { width, height } = this.#options;
    return videoInit({ codec: 'avc1', width, height, timescale: TIMESCALE, avcC });
  }

  #frame(sample: Uint8Array, timestampMs: number, keyframe: boolean): Uint8Array {
    const { framerate } = this.#options;
    const frame = Math.round((timestampMs * framerate) / 1000);
    const decodeTime = ticksAt(frame, framerate);
    const durationTicks = ticksAt(frame + 1, framerate) - decodeTime;
    const moofMdat = fragment(this.#sequence++, decodeTime, durationTicks, keyframe, sample);
    const producedAtMs = this.#clock.at((decodeTime / TIMESCALE) * 1000, this.#nowMs());
    return concatBytes([prftBox(producedAtMs, decodeTime), moofMdat]);
  }
}

function ticksAt(frame: number, framerate: number): number {
  return Math.round((frame * TIMESCALE) / framerate);
}
