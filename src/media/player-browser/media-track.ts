import type { CatalogTrack } from '../catalog/catalog-types.js';
import { decodeInitData } from '../catalog/index.js';
import type { FragmentSample, ParsedFragment, TrackInfo } from '../cmaf/cmaf-types.js';
import { parseFragment, readInitTrack } from '../cmaf/index.js';
import { fromHex, opusPacketTicks, readLegacyFrame } from '../legacy/index.js';
import type { RenditionInfo } from './player-types.js';

/** A catalog track with its init segment read: what a decoder or a SourceBuffer needs. */
export interface MediaTrack {
  entry: CatalogTrack;
  init: Uint8Array;
  info: TrackInfo;
  label: string;
}

export function mediaTrack(entry: CatalogTrack): MediaTrack {
  const label = entry.label ?? entry.name;
  if (entry.packaging === 'legacy')
    return { entry, init: new Uint8Array(0), info: legacyInfo(entry), label };
  const init = decodeInitData(entry);
  // The catalog's codec string spares the player mp4box (init-reader.ts).
  return { entry, init, info: readInitTrack(init, entry.codec || undefined), label };
}

/** Microseconds: the legacy container's timestamps. */
const LEGACY_TIMESCALE = 1_000_000;

/** What a decoder needs of a legacy track, from its catalog entry alone (there is no init). */
function legacyInfo(entry: CatalogTrack): TrackInfo {
  return {
    trackId: 0,
    kind: entry.role,
    codec: entry.codec,
    timescale: LEGACY_TIMESCALE,
    ...(entry.width ? { width: entry.width } : {}),
    ...(entry.height ? { height: entry.height } : {}),
    ...(entry.samplerate ? { sampleRate: entry.samplerate } : {}),
    ...(entry.channelConfig ? { channelCount: Number(entry.channelConfig) } : {}),
    ...(entry.description ? { description: fromHex(entry.description) } : {}),
  };
}

/** The playing time of one legacy frame, which the container does not carry. */
function legacyDurationUs(track: MediaTrack, frame: Uint8Array): number {
  const { entry } = track;
  const opusTicks = entry.codec === 'opus' ? opusPacketTicks(frame) : undefined;
  if (opusTicks !== undefined) return (opusTicks * LEGACY_TIMESCALE) / 48_000;
  if (entry.role === 'video') return LEGACY_TIMESCALE / (entry.framerate ?? 30);
  // Opus frames are 20 ms as browsers and moq-dev publish them; AAC frames 1024 samples.
  if (entry.codec.startsWith('mp4a'))
    return (1024 * LEGACY_TIMESCALE) / (entry.samplerate ?? 48_000);
  return 20_000;
}

export function renditionInfo(track: MediaTrack): RenditionInfo {
  return {
    name: track.entry.name,
    label: track.label,
    width: track.entry.width ?? track.info.width,
    height: track.entry.height ?? track.info.height,
    bitrate: track.entry.bitrate,
    codec: track.entry.codec,
  };
}

/** One sample with its times in milliseconds, ready for a decoder. */
export interface TimedSample {
  sample: FragmentSample;
  ptsMs: number;
  durationMs: number;
}

/**
 * The samples of one object: a CMAF chunk, or one legacy frame (a keyframe when it opens its
 * group, as hang starts a group at each keyframe).
 */
export function parseChunk(
  track: MediaTrack,
  payload: Uint8Array,
  objectId: number,
): ParsedFragment {
  if (track.entry.packaging !== 'legacy') return parseFragment(payload, track.info.sampleDefaults);
  const frame = readLegacyFrame(payload);
  const samples: FragmentSample[] = frame
    ? [
        {
          data: frame.payload,
          decodeTime: frame.timestampUs,
          compositionOffset: 0,
          duration: legacyDurationUs(track, frame.payload),
          keyframe: objectId === 0 || track.entry.role === 'audio',
        },
      ]
    : [];
  return { trackId: 0, baseDecodeTime: frame?.timestampUs ?? 0, samples };
}

export function timedSamples(track: MediaTrack, fragment: ParsedFragment): TimedSample[] {
  const scale = 1000 / track.info.timescale;
  return fragment.samples.map((sample) => ({
    sample,
    ptsMs: (sample.decodeTime + sample.compositionOffset) * scale,
    durationMs: sample.duration * scale,
  }));
}
