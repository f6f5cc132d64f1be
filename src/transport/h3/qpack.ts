import { H3Error, H3ErrorCode } from './h3-error.js';
import { QpackCursor, QpackWriter } from './qpack-primitives.js';
import { QPACK_STATIC_TABLE } from './qpack-static-table.js';

/**
 * QPACK field sections (RFC 9204 §4.5) without a dynamic table. We advertise
 * QPACK_MAX_TABLE_CAPACITY = 0, so a peer may only use the static table and literals; anything
 * referring to the dynamic table is an error. Field lines are [name, value] pairs of latin1 text.
 */
export type FieldLine = [name: string, value: string];

export interface DecodeFieldSectionOptions {
  /** Cap on the decoded size, counted as in RFC 9114 §4.2.2. Default 64 KiB. */
  maxFieldSectionBytes?: number;
}

/** RFC 9114 §4.2.2: a field line costs its name and value lengths plus 32 bytes of overhead. */
const FIELD_OVERHEAD_BYTES = 32;

function fail(message: string): never {
  throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, message);
}

/** Static-table lookups for the encoder: lowest index per name, and per exact name/value pair. */
const STATIC_BY_NAME = new Map<string, { index: number; values: Map<string, number> }>();
QPACK_STATIC_TABLE.forEach(([name, value], index) => {
  const entry = STATIC_BY_NAME.get(name) ?? { index, values: new Map<string, number>() };
  if (!entry.values.has(value)) entry.values.set(value, index);
  STATIC_BY_NAME.set(name, entry);
});

/** HTTP/3 requires lower-case field names (RFC 9114 §4.2). ASCII only: Unicode case rules differ. */
function asciiLowerCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}

/**
 * Encodes a field section with prefix Required Insert Count 0, Base 0, preferring an indexed static
 * line, then a literal with a static name reference, then a literal name. Strings are Huffman
 * encoded when shorter. Throws RangeError for characters above U+00FF.
 */
export function encodeFieldSection(fields: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const writer = new QpackWriter().integer(0, 8, 0).integer(0, 7, 0);
  for (const [rawName, value] of fields) {
    const name = asciiLowerCase(rawName);
    const known = STATIC_BY_NAME.get(name);
    const exact = known?.values.get(value);
    if (exact !== undefined) {
      writer.integer(0b1100_0000, 6, exact); // '1' indexed, T=1 static
    } else if (known) {
      writer.integer(0b0101_0000, 4, known.index).string(0, 7, value); // '01' N=0 T=1
    } else {
      writer.string(0b0010_0000, 3, name).string(0, 7, value); // '001' N=0, then H and length
    }
  }
  return writer.finish();
}

/**
 * Decodes a field section. Every error is H3Error(QPACK_DECOMPRESSION_FAILED): a non-zero Required
 * Insert Count, a negative Base, any dynamic or post-base reference, a static index past the
 * table, bad Huffman, an oversized integer, truncation, or a section over the size cap.
 * The N ("never index") bit is accepted and dropped: without a dynamic table we never index.
 */
export function decodeFieldSection(
  block: Uint8Array,
  options: DecodeFieldSectionOptions = {},
): FieldLine[] {
  const maxBytes = options.maxFieldSectionBytes ?? 64 * 1024;
  const cursor = new QpackCursor(block);
  readPrefix(cursor);
  const fields: FieldLine[] = [];
  let size = 0;
  while (!cursor.done) {
    const field = readFieldLine(cursor);
    size += field[0].length + field[1].length + FIELD_OVERHEAD_BYTES;
    if (size > maxBytes) fail(`field section exceeds ${maxBytes} bytes`);
    fields.push(field);
  }
  return fields;
}

/** The encoded field section prefix (RFC 9204 §4.5.1). */
function readPrefix(cursor: QpackCursor): void {
  const requiredInsertCount = cursor.integer(8);
  if (requiredInsertCount !== 0)
    fail(`Required Insert Count ${requiredInsertCount} without a table`);
  // With Required Insert Count 0 a set Sign bit makes Base negative, forbidden by §4.5.1.2.
  const negative = (cursor.peekByte() & 0x80) !== 0;
  cursor.integer(7);
  if (negative) fail('negative Base');
}

/** One field line representation (RFC 9204 §4.5.2 to §4.5.6), told apart by its leading bits. */
function readFieldLine(cursor: QpackCursor): FieldLine {
  const first = cursor.peekByte();
  if (first & 0x80) {
    if (!(first & 0x40)) fail('indexed field line refers to the dynamic table');
    const [name, value] = staticEntry(cursor.integer(6));
    return [name, value];
  }
  if (first & 0x40) {
    if (!(first & 0x10)) fail('literal field line refers to a dynamic table name');
    const [name] = staticEntry(cursor.integer(4));
    return [name, cursor.string(7)];
  }
  if (first & 0x20) {
    const name = cursor.string(3);
    return [name, cursor.string(7)];
  }
  // '0001' indexed post-base and '0000' literal with post-base name: dynamic table only.
  return fail('post-base reference without a dynamic table');
}

function staticEntry(index: number): readonly [string, string] {
  return QPACK_STATIC_TABLE[index] ?? fail(`static table index ${index} out of range`);
}
