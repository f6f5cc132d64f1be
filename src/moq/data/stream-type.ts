import { readVarint } from '../../coding/index.js';
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
): { readonly kind: DataStreamKind; readonly type: number } | undefined {
  const decoded = readVarintOrViolation(bytes);
  if (!decoded) return undefined;
  const type = decoded.value;
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

function readVarintOrViolation(bytes: Uint8Array): ReturnType<typeof readVarint> {
  try {
    return readVarint(bytes);
  } catch (e) {
    throw MoqError.fromDecode(e);
  }
}
