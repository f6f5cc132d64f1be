import { readVarint } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** §Data Streams: the first varint of a unidirectional stream. */
export const DataStreamType = {
  FetchHeader: 0x05,
  SubgroupHeaderMin: 0x10,
  SubgroupHeaderMax: 0x1d,
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

/** The 12 SUBGROUP_HEADER types: 0x10-0x15 and 0x18-0x1D (0x16/0x17 are not defined). */
export function isSubgroupHeaderType(type: number): boolean {
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
