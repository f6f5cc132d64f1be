import { concatBytes } from '../cmaf/index.js';
import { TRACK_ID, box, fullBox, singleTrackInit, u16, u32, u8, zeros } from '../cmaf/index.js';

/**
 * The init segment (ftyp + moov) of one Opus or AAC track, for hang legacy audio recorded as
 * fragmented MP4: Opus in the `Opus` sample entry with `dOps` (Encapsulation of Opus in ISOBMFF
 * §4.3), AAC in `mp4a` with `esds` (ISO/IEC 14496-14 §5.6, descriptors of 14496-1 §7.2.6).
 */
export type AudioInitOptions =
  | { codec: 'opus'; sampleRate: number; channels: number; preSkip: number }
  | { codec: 'aac'; sampleRate: number; channels: number; audioSpecificConfig: Uint8Array };

/** Opus is always decoded at 48 kHz (RFC 7845 §4): its MP4 timescale is that, whatever the input. */
export const OPUS_TIMESCALE = 48_000;

export function audioTimescale(o: AudioInitOptions): number {
  return o.codec === 'opus' ? OPUS_TIMESCALE : o.sampleRate;
}

export function audioInit(o: AudioInitOptions): Uint8Array {
  return singleTrackInit({
    brands: ['mp41'],
    volume: 0x100,
    width: 0,
    height: 0,
    timescale: audioTimescale(o),
    handler: 'soun',
    handlerName: 'SoundHandler',
    mediaHeader: fullBox('smhd', 0, 0, zeros(4)),
    sampleEntry: sampleEntry(o),
  });
}

/** AudioSampleEntry (ISO/IEC 14496-12 §12.2.3, version 0) with its codec box. */
function sampleEntry(o: AudioInitOptions): Uint8Array {
  const rate = Math.min(audioTimescale(o), 0xffff);
  const fields = [
    zeros(6),
    u16(1),
    zeros(8),
    u16(o.channels),
    u16(16),
    u16(0),
    u16(0),
    u32(rate << 16),
  ];
  if (o.codec === 'opus') return box('Opus', ...fields, dOps(o.channels, o.preSkip, o.sampleRate));
  return box('mp4a', ...fields, esds(o.audioSpecificConfig));
}

/** OpusSpecificBox (big-endian), channel mapping family 0: mono or stereo. */
function dOps(channels: number, preSkip: number, inputSampleRate: number): Uint8Array {
  return box('dOps', u8(0), u8(channels), u16(preSkip), u32(inputSampleRate), u16(0), u8(0));
}

/** ES_Descriptor → DecoderConfigDescriptor (AAC, audio) → DecoderSpecificInfo, SLConfig. */
function esds(audioSpecificConfig: Uint8Array): Uint8Array {
  const specific = descriptor(0x05, audioSpecificConfig);
  const config = descriptor(
    0x04,
    u8(0x40), // objectTypeIndication: MPEG-4 Audio
    u8((0x05 << 2) | 1), // streamType audio, upStream 0, reserved 1
    new Uint8Array(3), // bufferSizeDB
    u32(0), // maxBitrate
    u32(0), // avgBitrate
    specific,
  );
  const es = descriptor(0x03, u16(TRACK_ID), u8(0), config, descriptor(0x06, u8(0x02)));
  return fullBox('esds', 0, 0, es);
}

function descriptor(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(parts);
  const size = body.length;
  // Four 7-bit size bytes, as most muxers write them: any size below 2^28 fits.
  const header = new Uint8Array([
    tag,
    0x80 | ((size >> 21) & 0x7f),
    0x80 | ((size >> 14) & 0x7f),
    0x80 | ((size >> 7) & 0x7f),
    size & 0x7f,
  ]);
  return concatBytes([header, body]);
}

const AAC_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/** An AAC-LC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) for a catalog without one. */
export function aacLcConfig(sampleRate: number, channels: number): Uint8Array {
  const index = AAC_SAMPLE_RATES.indexOf(sampleRate);
  if (index < 0) {
    // An explicit 24-bit rate: 5 + 4 + 24 + 4 bits, padded to 40.
    const bits = (2n << 35n) | (15n << 31n) | (BigInt(sampleRate) << 7n) | (BigInt(channels) << 3n);
    return new Uint8Array(
      [32, 24, 16, 8, 0].map((shift) => Number((bits >> BigInt(shift)) & 0xffn)),
    );
  }
  const bits = (2 << 11) | (index << 7) | (channels << 3);
  return new Uint8Array([bits >> 8, bits & 0xff]);
}
