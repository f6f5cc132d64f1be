import { type Box, childBoxes, findPath, requireBody, view } from './box-reader.js';
import { Fmp4Error } from './fmp4-error.js';

/** Bytes before the child boxes of a visual sample entry (§12.1.3): SampleEntry 8 + 70. */
const VISUAL_ENTRY_FIELDS = 78;
/** Bytes before the child boxes of a version-0 audio sample entry (§12.2.3): 8 + 20. */
const AUDIO_ENTRY_FIELDS = 28;

/** The first sample entry of a trak's stsd, e.g. `avc1` or `mp4a`. */
export function firstSampleEntry(bytes: Uint8Array, trak: Box): Box | undefined {
  const stsd = findPath(bytes, ['mdia', 'minf', 'stbl', 'stsd'], trak);
  if (!stsd) return undefined;
  requireBody(stsd, 8); // version/flags, entry_count
  return childBoxes(bytes, stsd.bodyStart + 8, stsd.end)[0];
}

/**
 * The WebCodecs `description` for a sample entry: the avcC/hvcC body for H.264/HEVC, the
 * AudioSpecificConfig for AAC, an OpusHead for Opus; undefined for codecs that need none.
 */
export function decoderDescription(
  bytes: Uint8Array,
  entry: Box,
  kind: 'video' | 'audio',
): Uint8Array | undefined {
  const fields = kind === 'video' ? VISUAL_ENTRY_FIELDS : AUDIO_ENTRY_FIELDS;
  if (entry.bodyStart + fields > entry.end) return undefined;
  const children = childBoxes(bytes, entry.bodyStart + fields, entry.end);
  for (const child of children) {
    const body = bytes.slice(child.bodyStart, child.end);
    switch (child.type) {
      case 'avcC':
      case 'hvcC':
      case 'av1C':
      case 'vpcC':
        return body;
      case 'esds':
        return audioSpecificConfig(body);
      case 'dOps':
        return opusHead(body);
    }
  }
  return undefined;
}

/** Reads an MPEG-4 descriptor header (ISO/IEC 14496-1 §8.3.3): tag and a 7-bit-per-byte size. */
function readDescriptor(
  body: Uint8Array,
  at: number,
): { tag: number; start: number; end: number } | undefined {
  if (at >= body.length) return undefined;
  const tag = body[at] ?? 0;
  let size = 0;
  let p = at + 1;
  for (let i = 0; i < 4; i++) {
    const byte = body[p++];
    if (byte === undefined) return undefined;
    size = (size << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) break;
  }
  return { tag, start: p, end: Math.min(p + size, body.length) };
}

/** esds (full box) → ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo. */
function audioSpecificConfig(esds: Uint8Array): Uint8Array | undefined {
  const es = readDescriptor(esds, 4);
  if (!es || es.tag !== 0x03) return undefined;
  const flags = esds[es.start + 2] ?? 0;
  let at = es.start + 3;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40) at += 1 + (esds[at] ?? 0); // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  for (let d = readDescriptor(esds, at); d; d = readDescriptor(esds, d.end)) {
    if (d.tag !== 0x04) continue;
    // DecoderConfigDescriptor fixed part: objectType, streamType, bufferSize, max/avg bitrate.
    for (
      let s = readDescriptor(esds, d.start + 13);
      s && s.start < d.end;
      s = readDescriptor(esds, s.end)
    ) {
      if (s.tag === 0x05) return esds.slice(s.start, s.end);
    }
  }
  return undefined;
}

/** dOps (Opus in ISOBMFF §4.3.2, big-endian) → OpusHead (RFC 7845 §5.1, little-endian). */
function opusHead(dOps: Uint8Array): Uint8Array {
  if (dOps.length < 11) throw new Fmp4Error('MALFORMED', 'dOps box too short');
  const src = view(dOps);
  const channels = src.getUint8(1);
  const family = src.getUint8(10);
  const mapping = family === 0 ? new Uint8Array(0) : dOps.slice(11, 13 + channels);
  const head = new Uint8Array(19 + mapping.length);
  const out = view(head);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  out.setUint8(8, 1);
  out.setUint8(9, channels);
  out.setUint16(10, src.getUint16(2), true);
  out.setUint32(12, src.getUint32(4), true);
  out.setInt16(16, src.getInt16(8), true);
  out.setUint8(18, family);
  head.set(mapping, 19);
  return head;
}

const AAC_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/**
 * Sample rate and channels as the decoder will see them: the AudioSpecificConfig (ISO/IEC
 * 14496-3 §1.6.2.1) or OpusHead is authoritative; the sample entry's fields are often just "2".
 */
export function audioFormatOf(
  description: Uint8Array,
  codec: string,
): { sampleRate?: number; channelCount?: number } {
  if (codec === 'opus' && description.length >= 19) {
    return { sampleRate: 48000, channelCount: description[9] ?? 0 };
  }
  if (!codec.startsWith('mp4a.40') || description.length < 2) return {};
  const bits = new BitReader(description);
  if (bits.read(5) === 31) bits.read(6); // escaped audio object type
  const rateIndex = bits.read(4);
  const sampleRate = rateIndex === 15 ? bits.read(24) : AAC_SAMPLE_RATES[rateIndex];
  const channels = bits.read(4);
  // Channel configuration 0 means "in the program config element": leave the entry's value.
  return {
    ...(sampleRate ? { sampleRate } : {}),
    ...(channels > 0 && channels < 8 ? { channelCount: channels === 7 ? 8 : channels } : {}),
  };
}

class BitReader {
  #bit = 0;
  constructor(readonly bytes: Uint8Array) {}
  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++, this.#bit++) {
      const byte = this.bytes[this.#bit >> 3] ?? 0;
      value = value * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
    }
    return value;
  }
}
