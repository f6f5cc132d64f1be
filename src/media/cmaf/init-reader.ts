import { type Box, childBoxes, findPath, fourcc, requireBody, view } from './box-reader.js';
import type { MediaKind, SampleDefaults, TrackInfo } from './cmaf-types.js';
import { audioFormatOf, decoderDescription, firstSampleEntry } from './decoder-config.js';
import { Fmp4Error } from './fmp4-error.js';

/**
 * The boxes of a single-track init segment read without mp4box, for the browser player: its
 * join should not wait for mp4box's script (about half of what the page would load). The
 * codec string comes from the catalog where it has one (every catalog this player reads
 * does), else from the sample entry for H.264, AAC and Opus; init-parser.ts (mp4box) serves
 * Node and every other codec.
 */
export function readInitTrack(bytes: Uint8Array, codecHint?: string): TrackInfo {
  const moov = childBoxes(bytes, 0, bytes.length).find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('NO_INIT', 'no moov box');
  const traks = childBoxes(bytes, moov.bodyStart, moov.end).filter((b) => b.type === 'trak');
  const [trak] = traks;
  if (!trak) throw new Fmp4Error('MALFORMED', 'moov has no track');
  if (traks.length > 1) {
    throw new Fmp4Error('MULTI_TRACK', `init has ${traks.length} tracks; one is expected`);
  }
  const trackId = trackIdOf(bytes, trak);
  const kind = kindOf(bytes, trak);
  const entry = firstSampleEntry(bytes, trak);
  if (!entry) throw new Fmp4Error('MALFORMED', `track ${trackId} has no sample entry`);
  const description = decoderDescription(bytes, entry, kind);
  const codec = codecHint ?? codecOf(entry, description);
  const info: TrackInfo = { trackId, kind, codec, timescale: timescaleOf(bytes, trak) };
  Object.assign(info, kind === 'video' ? visualSize(bytes, entry) : audioFields(bytes, entry));
  if (description) info.description = description;
  if (kind === 'audio' && description) Object.assign(info, audioFormatOf(description, codec));
  const defaults = sampleDefaults(bytes, moov, trackId);
  if (defaults) info.sampleDefaults = defaults;
  return info;
}

export function trackIdOf(bytes: Uint8Array, trak: Box): number {
  const tkhd = findPath(bytes, ['tkhd'], trak);
  if (!tkhd) throw new Fmp4Error('MALFORMED', 'trak without tkhd');
  requireBody(tkhd, 24);
  const version = bytes[tkhd.bodyStart];
  return view(bytes).getUint32(tkhd.bodyStart + (version === 1 ? 20 : 12));
}

export function sampleDefaults(
  bytes: Uint8Array,
  moov: Box,
  trackId: number,
): SampleDefaults | undefined {
  const mvex = findPath(bytes, ['mvex'], moov);
  if (!mvex) return undefined;
  const data = view(bytes);
  for (const trex of childBoxes(bytes, mvex.bodyStart, mvex.end)) {
    if (trex.type !== 'trex') continue;
    requireBody(trex, 24);
    if (data.getUint32(trex.bodyStart + 4) !== trackId) continue;
    return {
      duration: data.getUint32(trex.bodyStart + 12),
      size: data.getUint32(trex.bodyStart + 16),
      flags: data.getUint32(trex.bodyStart + 20),
    };
  }
  return undefined;
}

/** hdlr's handler_type (ISO/IEC 14496-12 §8.4.3): version/flags, pre_defined, then the type. */
function kindOf(bytes: Uint8Array, trak: Box): MediaKind {
  const hdlr = findPath(bytes, ['mdia', 'hdlr'], trak);
  if (!hdlr) throw new Fmp4Error('MALFORMED', 'trak without hdlr');
  requireBody(hdlr, 12);
  const handler = fourcc(bytes, hdlr.bodyStart + 8);
  if (handler === 'vide') return 'video';
  if (handler === 'soun') return 'audio';
  throw new Fmp4Error('UNSUPPORTED', `track handler ${handler} is neither video nor audio`);
}

/** mdhd's timescale (§8.4.2): after creation and modification times, 32 or 64 bits each. */
function timescaleOf(bytes: Uint8Array, trak: Box): number {
  const mdhd = findPath(bytes, ['mdia', 'mdhd'], trak);
  if (!mdhd) throw new Fmp4Error('MALFORMED', 'trak without mdhd');
  const version = bytes[mdhd.bodyStart];
  const at = mdhd.bodyStart + (version === 1 ? 20 : 12);
  requireBody(mdhd, at - mdhd.bodyStart + 4);
  return view(bytes).getUint32(at);
}

/** VisualSampleEntry (§12.1.3): width and height after the 8 + 16 bytes before them. */
function visualSize(bytes: Uint8Array, entry: Box): { width?: number; height?: number } {
  if (entry.bodyStart + 28 > entry.end) return {};
  const data = view(bytes);
  return {
    width: data.getUint16(entry.bodyStart + 24),
    height: data.getUint16(entry.bodyStart + 26),
  };
}

/** AudioSampleEntry (§12.2.3): channel count at 16, sample rate (16.16) at 24. */
function audioFields(
  bytes: Uint8Array,
  entry: Box,
): { sampleRate?: number; channelCount?: number } {
  if (entry.bodyStart + 28 > entry.end) return {};
  const data = view(bytes);
  return {
    channelCount: data.getUint16(entry.bodyStart + 16),
    sampleRate: data.getUint32(entry.bodyStart + 24) >>> 16,
  };
}

/** RFC 6381 codec strings for the entries the player meets without a catalog's string. */
function codecOf(entry: Box, description: Uint8Array | undefined): string {
  const hex = (byte: number | undefined): string => (byte ?? 0).toString(16).padStart(2, '0');
  switch (entry.type) {
    case 'avc1':
    case 'avc3':
      if (!description || description.length < 4) break;
      // AVCDecoderConfigurationRecord: profile, compatibility, level (ISO/IEC 14496-15 §5.3.3).
      return `${entry.type}.${hex(description[1])}${hex(description[2])}${hex(description[3])}`;
    case 'mp4a': {
      if (!description || description.length < 1) break;
      // AudioSpecificConfig: audioObjectType in the first five bits (31 escapes to six more).
      const first = (description[0] ?? 0) >> 3;
      const objectType =
        first === 31
          ? 32 + ((((description[0] ?? 0) & 0x07) << 3) | ((description[1] ?? 0) >> 5))
          : first;
      return `mp4a.40.${objectType}`;
    }
    case 'Opus':
      return 'opus';
  }
  throw new Fmp4Error(
    'UNSUPPORTED',
    `no codec string for a ${entry.type} track without one in the catalog`,
  );
}
