import { type Reader, type VarintEncoding, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { FIRST_OBJECT_BIT_D18, isSubgroupHeaderType } from './stream-type.js';

/**
 * Where a subgroup's id comes from (§Subgroup Header type table): absent and 0, absent and
 * equal to the first object's id, or an explicit field.
 */
export type SubgroupIdMode = 'zero' | 'first_object_id' | 'explicit';

/** What the bits of a SUBGROUP_HEADER type mean. */
export interface SubgroupHeaderFlags {
  readonly subgroupIdMode: SubgroupIdMode;
  /** Every object carries Extension Headers Length (possibly 0). */
  readonly extensionsPresent: boolean;
  /** The last object before FIN is the last object of the group. */
  readonly endOfGroup: boolean;
}

const EXTENSIONS_BIT = 0x01;
const FIRST_OBJECT_ID_BIT = 0x02;
const EXPLICIT_BIT = 0x04;
const END_OF_GROUP_BIT = 0x08;

export function subgroupHeaderFlags(value: number): SubgroupHeaderFlags {
  const type = value & ~DEFAULT_PRIORITY_BIT;
  if (!isSubgroupHeaderType(value)) {
    throw MoqError.protocolViolation(`not a SUBGROUP_HEADER type: 0x${type.toString(16)}`);
  }
  let subgroupIdMode: SubgroupIdMode = 'zero';
  if (type & EXPLICIT_BIT) subgroupIdMode = 'explicit';
  else if (type & FIRST_OBJECT_ID_BIT) subgroupIdMode = 'first_object_id';
  return {
    subgroupIdMode,
    extensionsPresent: (type & EXTENSIONS_BIT) !== 0,
    endOfGroup: (type & END_OF_GROUP_BIT) !== 0,
  };
}

export function subgroupHeaderType(flags: SubgroupHeaderFlags): number {
  let type = 0x10;
  if (flags.subgroupIdMode === 'explicit') type |= EXPLICIT_BIT;
  if (flags.subgroupIdMode === 'first_object_id') type |= FIRST_OBJECT_ID_BIT;
  if (flags.extensionsPresent) type |= EXTENSIONS_BIT;
  if (flags.endOfGroup) type |= END_OF_GROUP_BIT;
  return type;
}

/** §Subgroup Header. */
export interface SubgroupHeader {
  /** 0x10-0x15 or 0x18-0x1D; see `subgroupHeaderFlags`. */
  readonly type: number;
  readonly trackAlias: number;
  readonly groupId: number;
  /**
   * Explicit types: the field. 'zero' types: 0. 'first_object_id' types: undefined in the
   * header (the decoder fills it in on each object event from the first object's id).
   */
  readonly subgroupId: number | undefined;
  readonly publisherPriority: number;
  /**
   * Draft-18 §Subgroup Header FIRST_OBJECT (0x40): the stream starts at the subgroup's first
   * object. Written only in vi64 (draft-18) streams; readers of earlier drafts never see it.
   */
  readonly firstObject?: boolean;
}

export function writeSubgroupHeader(w: Writer, header: SubgroupHeader): void {
  const flags = subgroupHeaderFlags(header.type);
  const first = header.firstObject === true && w.encoding === 'vi64' ? FIRST_OBJECT_BIT_D18 : 0;
  w.varint(header.type | first)
    .varint(header.trackAlias)
    .varint(header.groupId);
  if (flags.subgroupIdMode === 'explicit') {
    if (header.subgroupId === undefined) {
      throw MoqError.protocolViolation('explicit subgroup header type needs a subgroup id');
    }
    w.varint(header.subgroupId);
  }
  if (header.publisherPriority < 0 || header.publisherPriority > 0xff) {
    throw MoqError.protocolViolation(`publisher priority ${header.publisherPriority} not 8-bit`);
  }
  w.u8(header.publisherPriority);
}

export function encodeSubgroupHeader(
  header: SubgroupHeader,
  encoding: VarintEncoding = 'quic',
): Uint8Array {
  const w = new Writer(32, encoding);
  writeSubgroupHeader(w, header);
  return w.finish();
}

/** Draft-16: a header without Publisher Priority inherits the track's; 128 when none was given. */
export const DEFAULT_PUBLISHER_PRIORITY = 128;
const DEFAULT_PRIORITY_BIT = 0x20;

/** Reads a SUBGROUP_HEADER including its type varint. */
export function readSubgroupHeader(r: Reader): SubgroupHeader {
  const wire = r.varint();
  const type = r.encoding === 'vi64' ? wire & ~FIRST_OBJECT_BIT_D18 : wire;
  const flags = subgroupHeaderFlags(type);
  const trackAlias = r.varint();
  const groupId = r.varint();
  let subgroupId: number | undefined = 0;
  if (flags.subgroupIdMode === 'explicit') subgroupId = r.varint();
  if (flags.subgroupIdMode === 'first_object_id') subgroupId = undefined;
  const publisherPriority = type & DEFAULT_PRIORITY_BIT ? DEFAULT_PUBLISHER_PRIORITY : r.u8();
  // In memory the header is the type with the priority field, so relays re-send it as such.
  return { type: type & ~DEFAULT_PRIORITY_BIT, trackAlias, groupId, subgroupId, publisherPriority };
}
