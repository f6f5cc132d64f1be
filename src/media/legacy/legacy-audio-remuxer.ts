import type { CatalogTrack } from '../catalog/index.js';
import { fromHex } from './hex.js';
import { LegacyFrameError, readLegacyFrame } from './legacy-frame.js';
import {
  type AudioInitOptions,
  aacLcConfig,
  audioInit,
  audioTimescale,
} from './mp4-audio-writer.js';
import { fragment } from '../cmaf/index.js';
import { opusPacketTicks } from './opus-packet.js';

/** AAC-LC frames hold 1024 samples (ISO/IEC 14496-3 §4.5.1.1). */
const AAC_FRAME_SAMPLES = 1024;
/** Opus's usual pre-skip (libopus's encoder delay at 48 kHz), as WebCodecs encoders apply it. */
const OPUS_PRE_SKIP = 312;

/** The codecs of hang legacy audio we can record and play. */
export function isLegacyAudioCodec(codec: string): boolean {
  return codec === 'opus' || /^mp4a\.40\.\d+$/.test(codec);
}

/**
 * Turns a hang `legacy` audio track — a timestamp varint, then one raw Opus packet or raw AAC
 * access unit per object, as `@moq/publish` writes them — into CMAF: the init segment is known
 * from the catalog at once, then one `moof mdat` per frame on the codec's own timescale.
 */
export class LegacyAudioRemuxer {
  readonly init: Uint8Array;
  readonly #options: AudioInitOptions;
  readonly #timescale: number;
  #sequence = 1;

  constructor(track: CatalogTrack) {
    if (!isLegacyAudioCodec(track.codec)) {
      throw new LegacyFrameError(
        `only Opus and AAC legacy audio can be played or recorded, not ${track.codec}`,
      );
    }
    const sampleRate = track.samplerate ?? 48_000;
    const channels = Number(track.channelConfig ?? 2) || 2;
    if (sampleRate <= 0 || channels > 2) {
      throw new LegacyFrameError(
        `legacy audio of ${channels} channels at ${sampleRate} Hz is not supported (mono or stereo)`,
      );
    }
    this.#options =
      track.codec === 'opus'
        ? { codec: 'opus', sampleRate, channels, preSkip: OPUS_PRE_SKIP }
        : {
            codec: 'aac',
            sampleRate,
            channels,
            audioSpecificConfig: track.description
              ? fromHex(track.description)
              : aacLcConfig(sampleRate, channels),
          };
    this.#timescale = audioTimescale(this.#options);
    this.init = audioInit(this.#options);
  }

  get timescale(): number {
    return this.#timescale;
  }

  /** One legacy object as a CMAF chunk; undefined for hang's end marker. */
  push(payload: Uint8Array): Uint8Array | undefined {
    const frame = readLegacyFrame(payload);
    if (!frame) return undefined;
    const durationTicks = this.#durationTicks(frame.payload);
    const decodeTicks = Math.round((frame.timestampUs * this.#timescale) / 1_000_000);
    return fragment(this.#sequence++, decodeTicks, durationTicks, true, frame.payload);
  }

  #durationTicks(payload: Uint8Array): number {
    if (this.#options.codec === 'aac') return AAC_FRAME_SAMPLES;
    const ticks = opusPacketTicks(payload);
    if (ticks === undefined) throw new LegacyFrameError('an Opus packet without a valid TOC byte');
    return ticks;
  }
}
