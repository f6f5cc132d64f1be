import { concatBytes } from './box-reader.js';
import { PRFT_FLAGS_ENCODER_INPUT, ntpTime } from './prft-writer.js';

/**
 * The few ISO BMFF boxes (ISO/IEC 14496-12) a one-track fragmented MP4 of H.264 needs: enough
 * for moq-sub to record a hang broadcast's legacy frames as CMAF, and for the encoder to package
 * its own video one frame sooner than ffmpeg's MP4 muxer does.
 */

const encoder = new TextEncoder();

export function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(encoder.encode(type), 4);
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function fullBox(
  type: string,
  version: number,
  flags: number,
  ...parts: Uint8Array[]
): Uint8Array {
  return box(type, u8(version), u24(flags), ...parts);
}

export const u8 = (v: number): Uint8Array => new Uint8Array([v & 0xff]);
export const u16 = (v: number): Uint8Array => new Uint8Array([(v >> 8) & 0xff, v & 0xff]);
export const u24 = (v: number): Uint8Array =>
  new Uint8Array([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
export function u32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0);
  return out;
}
export function u64(v: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.round(v))));
  return out;
}
export const zeros = (n: number): Uint8Array => new Uint8Array(n);
export const ascii = (s: string): Uint8Array => encoder.encode(s);

export const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].map(u32);
export const TRACK_ID = 1;

export interface VideoInitOptions {
  codec: 'avc1';
  width: number;
  height: number;
  timescale: number;
  /** The AVCDecoderConfigurationRecord. */
  avcC: Uint8Array;
}

/** What differs between the init segments of one video and one audio track. */
export interface TrackBoxes {
  /** ftyp's compatible brands after `isom` and `iso6`. */
  brands: string[];
  /** tkhd: 0x100 (1.0) for audio, 0 for video; width and height 0 for audio. */
  volume: number;
  width: number;
  height: number;
  timescale: number;
  handler: 'vide' | 'soun';
  handlerName: string;
  /** vmhd or smhd. */
  mediaHeader: Uint8Array;
  /** The stsd's one entry (avc1, Opus, mp4a) with its codec box. */
  sampleEntry: Uint8Array;
}

/** ftyp + moov of one track, for fragments that follow (mvex). */
export function singleTrackInit(t: TrackBoxes): Uint8Array {
  const brands = ['isom', 'iso6', ...t.brands].map(ascii);
  const ftyp = box('ftyp', ascii('isom'), u32(0x200), ...brands);
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(1000),
    u32(0),
    u32(0x10000),
    u16(0x100),
    zeros(10),
    ...MATRIX,
    zeros(24),
    u32(TRACK_ID + 1),
  );
  // tkhd: flags enabled|in_movie.
  const tkhd = fullBox(
    'tkhd',
    0,
    3,
    u32(0),
    u32(0),
    u32(TRACK_ID),
    u32(0),
    u32(0),
    zeros(8),
    u16(0),
    u16(0),
    u16(t.volume),
    u16(0),
    ...MATRIX,
    u32(t.width << 16),
    u32(t.height << 16),
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(t.timescale), u32(0), u16(0x55c4), u16(0));
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    u32(0),
    ascii(t.handler),
    zeros(12),
    ascii(`${t.handlerName}\0`),
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), t.sampleEntry),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const minf = box('minf', t.mediaHeader, dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  const mvex = box('mvex', fullBox('trex', 0, 0, u32(TRACK_ID), u32(1), u32(0), u32(0), u32(0)));
  return concatBytes([ftyp, box('moov', mvhd, trak, mvex)]);
}

/** ftyp + moov of one H.264 track, for fragments that follow (mvex). */
export function videoInit(o: VideoInitOptions): Uint8Array {
  const avc1 = box(
    'avc1',
    zeros(6),
    u16(1),
    zeros(16),
    u16(o.width),
    u16(o.height),
    u32(0x480000),
    u32(0x480000),
    u32(0),
    u16(1),
    zeros(32),
    u16(0x18),
    u16(0xffff),
    box('avcC', o.avcC),
  );
  return singleTrackInit({
    brands: ['avc1', 'mp41'],
    volume: 0,
    width: o.width,
    height: o.height,
    timescale: o.timescale,
    handler: 'vide',
    handlerName: 'VideoHandler',
    mediaHeader: fullBox('vmhd', 0, 1, zeros(8)),
    sampleEntry: avc1,
  });
}

/** moof + mdat of one sample (a CMAF chunk of one frame). */
export function fragment(
  sequence: number,
  decodeTime: number,
  durationTicks: number,
  keyframe: boolean,
  sample: Uint8Array,
): Uint8Array {
  const flags = keyframe ? 0x02000000 : 0x01010000;
  const moofOf = (dataOffset: number): Uint8Array =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, u32(sequence)),
      box(
        'traf',
        fullBox('tfhd', 0, 0x020000, u32(TRACK_ID)),
        fullBox('tfdt', 1, 0, u64(decodeTime)),
        fullBox(
          'trun',
          0,
          0x000701,
          u32(1),
          u32(dataOffset),
          u32(durationTicks),
          u32(sample.length),
          u32(flags),
        ),
      ),
    );
  const size = moofOf(0).length;
  return concatBytes([moofOf(size + 8), box('mdat', sample)]);
}

/**
 * A `prft` (§8.16.5, version 1, flags 0: the time the sample at `mediaTime` was input to the
 * encoder) for the chunk it leads.
 */
export function prftBox(wallClockMs: number, mediaTime: number): Uint8Array {
  const ntp = ntpTime(wallClockMs);
  return fullBox(
    'prft',
    1,
    PRFT_FLAGS_ENCODER_INPUT,
    u32(TRACK_ID),
    u32(ntp.seconds),
    u32(ntp.fraction),
    u64(Math.max(0, Math.round(mediaTime))),
  );
}
