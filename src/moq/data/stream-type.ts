import { type VarintEncoding, readVarint, readVi64 } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** §Data Streams: the first varint of a unidirectional stream. */
export const DataStreamType = {
  FetchHeader: 0x05,
  SubgroupHeaderMin: 0x10,
  SubgroupHeaderMax: 0x1d,
  /** Draft-16 §Subgroup Header: DEFAULT_PRIORITY (0x20) set = no Publisher Priority field. */
  DefaultPriorityBit: 0x20,
} as const;

/** What a uni stream carries, from its first varint. */
export type DataStreamKind = 'subgroup' | 'fetch';

/** The kind of stream and its type value, or undefined until the first varint is complete. */
export function peekDataStreamType(
  bytes: Uint8Array,
  encoding: VarintEncoding = 'quic',
): { readonly kind: DataStreamKind; readonly type: number } | undefined {
  const decoded = readVarintOrViolation(bytes, encoding);
  if (!decoded) return undefined;
  // Draft-18 §Subgroup Header: FIRST_OBJECT (0x40) says nothing about the fields that follow.
  const type = encoding === 'vi64' ? decoded.value & ~FIRST_OBJECT_BIT_D18 : decoded.value;
  if (type === DataStreamType.FetchHeader) return { kind: 'fetch', type };
  if (isSubgroupHeaderType(type)) return { kind: 'subgroup', type };
  // §Data Streams: an unknown stream type closes the session.
  throw MoqError.protocolViolation(`unknown data stream type 0x${type.toString(16)}`);
}

/**
 * SUBGROUP_HEADER types: 0x10-0x15 and 0x18-0x1D (subgroup-id mode 0b11 is reserved), and the
 * same with DEFAULT_PRIORITY (0x30-0x35, 0x38-0x3D, draft-15 on; peers send them on draft-14
 * sessions too, and reading them costs nothing).
 */
export function isSubgroupHeaderType(value: number): boolean {
  const type = value & ~DataStreamType.DefaultPriorityBit;
  if (value > 0x3f || (value & 0xc0) !== 0) return false;
  if (type < DataStreamType.SubgroupHeaderMin || type > DataStreamType.SubgroupHeaderMax) {
    return false;
  }
  return (type & 0x06) !== 0x06;
}

/** Draft-18's FIRST_OBJECT bit of SUBGROUP_HEADER types (0x50-0x7D). */
export const FIRST_OBJECT_BIT_D18 = 0x40;

function readVarintOrViolation(
  bytes: Uint8Array,
  encoding: VarintEncoding,
): ReturnType<typeof readVarint> {
  try {
    return encoding === 'vi64' ? readVi64(bytes) : readVarint(bytes);
  } catch (e) {
    throw MoqError.fromDecode(e);
  }
}
