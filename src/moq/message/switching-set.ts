import { CodingError, Reader, Writer } from '../../coding/index.js';

/**
 * SUBSCRIBE parameter SWITCHING_SET (sender-side track switching, shaped after
 * draft-wilaw-moq-moqt-ssts): the subscriber names the tracks of one switching set — renditions
 * of the same content whose groups are aligned — with each one's bitrate, and the publisher
 * (a relay) chooses which one to send, group by group. Not in draft-14: the type is ours.
 * Value: count (i), then per track: name length (i), name (UTF-8), bitrate in bits/s (i).
 */
export const SWITCHING_SET_PARAMETER = 0x5353;

/**
 * Object extension header on object 0 of every group a switching-set subscription delivers:
 * the index (in the subscriber's SWITCHING_SET) of the rendition this group comes from.
 */
export const RENDITION_EXTENSION = 0x5352;

/** At most this many renditions in one set. */
export const MAX_SWITCHING_SET = 16;

export interface SwitchingSetEntry {
  trackName: string;
  bitrateBps: number;
}

export function encodeSwitchingSet(entries: readonly SwitchingSetEntry[]): Uint8Array {
  const w = new Writer();
  w.varint(entries.length);
  for (const entry of entries) {
    w.lengthPrefixedBytes(new TextEncoder().encode(entry.trackName));
    w.varint(Math.round(entry.bitrateBps));
  }
  return w.finish();
}

/** Decodes and checks a SWITCHING_SET value; a malformed one is a CodingError. */
export function decodeSwitchingSet(value: Uint8Array): SwitchingSetEntry[] {
  const r = new Reader(value);
  const count = r.varint();
  if (count === 0 || count > MAX_SWITCHING_SET) {
    throw new CodingError(
      'INVALID_VALUE',
      `a switching set holds 1..${MAX_SWITCHING_SET} tracks, not ${count}`,
    );
  }
  const entries: SwitchingSetEntry[] = [];
  for (let i = 0; i < count; i++) {
    const trackName = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(r.varint()));
    entries.push({ trackName, bitrateBps: r.varint() });
  }
  if (r.remaining > 0) throw new CodingError('INVALID_VALUE', 'bytes after the switching set');
  if (new Set(entries.map((e) => e.trackName)).size !== entries.length) {
    throw new CodingError('INVALID_VALUE', 'a track appears twice in the switching set');
  }
  return entries;
}
