import type { Reader } from '../../coding/index.js';
import { decodeWhole } from './lite-reader.js';
import { sizePrefixed } from './message-frame.js';

/** GROUP (uni stream, after the type): which subscription and which group the frames belong to. */
export interface GroupHeader {
  subscribe: number;
  sequence: number;
}

export function encodeGroupHeader(msg: GroupHeader): Uint8Array {
  return sizePrefixed((w) => w.varint(msg.subscribe).varint(msg.sequence));
}

export function decodeGroupHeader(r: Reader): GroupHeader {
  return decodeWhole(r, 'GROUP', () => ({ subscribe: r.varint(), sequence: r.varint() }));
}

/** lite-05 timestamps travel as zigzag deltas from the previous frame's. */
export function zigzag(delta: number): number {
  return delta >= 0 ? delta * 2 : -delta * 2 - 1;
}
