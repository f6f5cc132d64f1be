import type { CatalogTrack } from '../catalog/catalog-types.js';
import { decodeInitData } from '../catalog/index.js';
import type { FragmentSample, ParsedFragment, TrackInfo } from '../cmaf/cmaf-types.js';
import { parseFragment, parseInit } from '../cmaf/index.js';
import type { RenditionInfo } from './player-types.js';

/** A catalog track with its init segment read: what a decoder or a SourceBuffer needs. */
export interface MediaTrack {
  entry: CatalogTrack;
  init: Uint8Array;
  info: TrackInfo;
  label: string;
}

export function mediaTrack(entry: CatalogTrack): MediaTrack {
  const init = decodeInitData(entry);
  return { entry, init, info: parseInit(init), label: entry.label ?? entry.name };
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

export function parseChunk(track: MediaTrack, payload: Uint8Array): ParsedFragment {
  return parseFragment(payload, track.info.sampleDefaults);
}

export function timedSamples(track: MediaTrack, fragment: ParsedFragment): TimedSample[] {
  const scale = 1000 / track.info.timescale;
  return fragment.samples.map((sample) => ({
    sample,
    ptsMs: (sample.decodeTime + sample.compositionOffset) * scale,
    durationMs: sample.duration * scale,
  }));
}
