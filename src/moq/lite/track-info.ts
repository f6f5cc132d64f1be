import type { Reader } from '../../coding/index.js';
import { LiteError } from './lite-error.js';
import { namespaceOfPath, pathOfNamespace } from './lite-path.js';
import { decodeWhole } from './lite-reader.js';
import { sizePrefixed, writeBool } from './message-frame.js';

/** TRACK (lite-05, track stream): ask for a track's fixed properties without subscribing. */
export interface TrackRequest {
  broadcast: string;
  track: string;
}

export function encodeTrackRequest(msg: TrackRequest): Uint8Array {
  return sizePrefixed((w) => w.utf8String(msg.broadcast).utf8String(msg.track));
}

export function decodeTrackRequest(r: Reader): TrackRequest {
  return decodeWhole(r, 'TRACK', () => ({
    broadcast: pathOfNamespace(namespaceOfPath(r.utf8String())),
    track: r.utf8String(),
  }));
}

/** TRACK_INFO: the reply; `timescale` (units per second) scales every frame's timestamp. */
export interface TrackInfo {
  priority: number;
  ordered: boolean;
  maxLatencyMs: number;
  timescale: number;
}

/**
 * Our model keeps no per-object timestamps, so the relay serves milliseconds, stamped as each
 * frame leaves (see docs: a lite publisher's own timestamps are not carried through).
 */
export const RELAY_TIMESCALE = 1000;

export function encodeTrackInfo(info: TrackInfo): Uint8Array {
  return sizePrefixed((w) => {
    w.u8(info.priority);
    writeBool(w, info.ordered);
    w.varint(info.maxLatencyMs).varint(info.timescale);
  });
}

export function decodeTrackInfo(r: Reader): TrackInfo {
  return decodeWhole(r, 'TRACK_INFO', () => {
    const priority = r.u8();
    const ordered = r.u8() === 1;
    const maxLatencyMs = r.varint();
    const timescale = r.varint();
    if (timescale === 0) throw new LiteError('MALFORMED', 'TRACK_INFO timescale 0');
    return { priority, ordered, maxLatencyMs, timescale };
  });
}
