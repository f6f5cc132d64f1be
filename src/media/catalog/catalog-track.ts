import { parseInit, type InitSegment, type TrackInfo } from '../cmaf/index.js';
import { fromBase64, toBase64 } from './base64.js';
import type { Catalog, CatalogTrack } from './catalog-types.js';

export interface CatalogTrackMeta {
  name: string;
  label?: string;
  bitrateBps?: number;
  framerate?: number;
  altGroup?: number;
  renderGroup?: number;
}

/**
 * The catalog entry of a CMAF track (CMSF §Catalog description): decoder facts from its init
 * segment, the init itself as base64 `initData`, and the publisher's own labels.
 */
export function catalogTrack(init: InitSegment, meta: CatalogTrackMeta): CatalogTrack {
  const info = init.track;
  const track: CatalogTrack = {
    name: meta.name,
    packaging: 'cmaf',
    isLive: true,
    role: info.kind,
    codec: info.codec,
    initData: toBase64(init.bytes),
    timescale: info.timescale,
    // Video groups start at an IDR (SAP 1, or 2 with leading pictures); every audio frame is SAP 1.
    maxGrpSapStartingType: info.kind === 'video' ? 2 : 1,
  };
  if (info.width !== undefined) track.width = info.width;
  if (info.height !== undefined) track.height = info.height;
  if (info.sampleRate !== undefined) track.samplerate = info.sampleRate;
  if (info.channelCount !== undefined) track.channelConfig = String(info.channelCount);
  if (meta.label !== undefined) track.label = meta.label;
  if (meta.bitrateBps !== undefined) track.bitrate = Math.round(meta.bitrateBps);
  if (meta.framerate !== undefined) track.framerate = meta.framerate;
  if (meta.altGroup !== undefined) track.altGroup = meta.altGroup;
  if (meta.renderGroup !== undefined) track.renderGroup = meta.renderGroup;
  return track;
}

/** The video tracks, largest first (then highest bitrate): the ladder a player picks from. */
export function videoRenditions(catalog: Catalog): CatalogTrack[] {
  return catalog.tracks
    .filter((t) => t.role === 'video')
    .sort((a, b) => (b.height ?? 0) - (a.height ?? 0) || (b.bitrate ?? 0) - (a.bitrate ?? 0));
}

export function audioTracks(catalog: Catalog): CatalogTrack[] {
  return catalog.tracks.filter((t) => t.role === 'audio');
}

/** The track's CMAF header (ftyp + moov) from its base64 initData. */
export function decodeInitData(track: CatalogTrack): Uint8Array {
  return fromBase64(track.initData);
}

/** The decoder facts (codec, size, WebCodecs description…) of a catalog track, from its initData. */
export function catalogTrackInfo(track: CatalogTrack): TrackInfo {
  return parseInit(decodeInitData(track));
}
