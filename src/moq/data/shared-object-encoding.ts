import { type VarintEncoding, markShared, sameBytes } from '../../coding/index.js';
import type { ExtensionHeaders } from './extension-headers.js';
import { type SubgroupObject, encodeSubgroupObject } from './subgroup-object.js';

/** Smaller payloads are cheaper to encode again than to look up. */
const SHARE_MIN_BYTES = 256;

/** The last encoding of each payload, with the header fields it was encoded with. */
interface Encoded {
  headerType: number;
  objectId: number;
  previousObjectId: number | undefined;
  encoding: VarintEncoding;
  extensions: ExtensionHeaders | undefined;
  bytes: Uint8Array;
}

const encoded = new WeakMap<Uint8Array, Encoded>();

/**
 * A subgroup object's bytes, encoded once for every subscriber that sends it the same way: a
 * relay fanning an object out to N streams allocates and copies it once, not N times, and the
 * transport keeps the one buffer by reference (markShared). Keyed by the payload, which the
 * model never changes, and checked against every header field (compared, not turned into a
 * key: this runs per object and subscriber), so a subscriber whose header differs (another
 * object id delta, extensions, draft) gets its own.
 */
export function encodeSharedSubgroupObject(
  object: SubgroupObject,
  headerType: number,
  previousObjectId: number | undefined,
  encoding: VarintEncoding,
): Uint8Array {
  const payload = object.payload;
  if (!payload || payload.length < SHARE_MIN_BYTES) {
    return encodeSubgroupObject(object, headerType, previousObjectId, encoding);
  }
  const found = encoded.get(payload);
  if (
    found?.headerType === headerType &&
    found.objectId === object.objectId &&
    found.previousObjectId === previousObjectId &&
    found.encoding === encoding &&
    sameExtensions(found.extensions, object.extensions)
  ) {
    return found.bytes;
  }
  const bytes = markShared(encodeSubgroupObject(object, headerType, previousObjectId, encoding));
  const { objectId, extensions } = object;
  encoded.set(payload, { headerType, objectId, previousObjectId, encoding, extensions, bytes });
  return bytes;
}

function sameExtensions(a: ExtensionHeaders | undefined, b: ExtensionHeaders | undefined): boolean {
  if (a === b) return true;
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  return left.every((e, i) => {
    const other = right[i];
    return other !== undefined && e.type === other.type && sameValue(e.value, other.value);
  });
}

function sameValue(a: number | Uint8Array, b: number | Uint8Array): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return sameBytes(a, b);
}
