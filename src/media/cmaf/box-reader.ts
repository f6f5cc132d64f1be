import { Fmp4Error } from './fmp4-error.js';

/** One ISO BMFF box located in a byte array (ISO/IEC 14496-12 §4.2). */
export interface Box {
  type: string;
  /** Offset of the box's first byte (its size field). */
  start: number;
  /** Offset of the first byte after the header (size, type and any largesize). */
  bodyStart: number;
  /** Offset one past the box's last byte. */
  end: number;
}

/** Reads a four-character code. */
export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(
    bytes[at] ?? 0,
    bytes[at + 1] ?? 0,
    bytes[at + 2] ?? 0,
    bytes[at + 3] ?? 0,
  );
}

/** True when a type looks like a real four-character code (printable ASCII), not garbage. */
export function isPrintableType(type: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(type);
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A u64 as a JS number; throws past 2^53 (no real media time or size gets there). */
export function readU64(data: DataView, at: number): number {
  const high = data.getUint32(at);
  const low = data.getUint32(at + 4);
  if (high >= 0x200000) throw new Fmp4Error('UNSUPPORTED', `64-bit value at ${at} exceeds 2^53`);
  return high * 0x100000000 + low;
}

export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  view(bytes).setUint32(at, value);
}

/**
 * The header of the box at `at`, given that the bytes up to `limit` are available. Returns
 * undefined when the header itself is not complete yet. A size of 0 ("to the end of the file")
 * is taken to run to `limit`, which callers that stream must refuse.
 */
export function readBoxHeader(bytes: Uint8Array, at: number, limit: number): Box | undefined {
  if (limit - at < 8) return undefined;
  const data = view(bytes);
  const size32 = data.getUint32(at);
  const type = fourcc(bytes, at + 4);
  if (size32 === 1) {
    if (limit - at < 16) return undefined;
    const size = readU64(data, at + 8);
    if (size < 16) throw new Fmp4Error('MALFORMED', `box ${type} at ${at} has size ${size}`);
    return { type, start: at, bodyStart: at + 16, end: at + size };
  }
  if (size32 === 0) return { type, start: at, bodyStart: at + 8, end: limit };
  if (size32 < 8) throw new Fmp4Error('MALFORMED', `box ${type} at ${at} has size ${size32}`);
  return { type, start: at, bodyStart: at + 8, end: at + size32 };
}

/** The boxes laid end to end in [start, end); any overrun is malformed. */
export function childBoxes(bytes: Uint8Array, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    const box = readBoxHeader(bytes, at, end);
    if (!box || box.end > end) {
      throw new Fmp4Error('MALFORMED', `box at ${at} runs past its parent (ends ${end})`);
    }
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}

/** The first child of a box with the given type. */
export function findChild(bytes: Uint8Array, parent: Box, type: string): Box | undefined {
  return childBoxes(bytes, parent.bodyStart, parent.end).find((b) => b.type === type);
}

/** Every `type` box inside each moof's trafs (tfhd, tfdt, trun) of a fragment, in order. */
export function trafChildren(bytes: Uint8Array, type: string): Box[] {
  const found: Box[] = [];
  for (const moof of childBoxes(bytes, 0, bytes.length)) {
    if (moof.type !== 'moof') continue;
    for (const traf of childBoxes(bytes, moof.bodyStart, moof.end)) {
      if (traf.type !== 'traf') continue;
      found.push(...childBoxes(bytes, traf.bodyStart, traf.end).filter((b) => b.type === type));
    }
  }
  return found;
}

/** Follows a path of box types from the top level (or from a parent). */
export function findPath(bytes: Uint8Array, path: string[], parent?: Box): Box | undefined {
  let scope: Box | undefined = parent;
  for (const type of path) {
    const found: Box | undefined = scope
      ? findChild(bytes, scope, type)
      : childBoxes(bytes, 0, bytes.length).find((b) => b.type === type);
    if (!found) return undefined;
    scope = found;
  }
  return scope;
}

/** Checks that a full box's body holds at least `needed` bytes. */
export function requireBody(box: Box, needed: number): void {
  if (box.end - box.bodyStart < needed) {
    throw new Fmp4Error(
      'MALFORMED',
      `${box.type} box too short (${box.end - box.bodyStart} bytes)`,
    );
  }
}

/** Writes an ISO BMFF box (32-bit size) around a body. */
export function makeBox(type: string, ...bodies: Uint8Array[]): Uint8Array {
  const size = 8 + bodies.reduce((sum, b) => sum + b.length, 0);
  const out = new Uint8Array(size);
  writeU32(out, 0, size);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const body of bodies) {
    out.set(body, at);
    at += body.length;
  }
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
