import { type VarintEncoding, markShared } from '../../coding/index.js';
import type { ExtensionHeaders } from './extension-headers.js';
import { type SubgroupObject, encodeSubgroupObject } from './subgroup-object.js';

/** Smaller payloads are cheaper to encode again than to look up. */
const SHARE_MIN_BYTES = 256;

/** The last encoding of each payload, with what its header said. */
const encoded = new WeakMap<Uint8Array, { header: string; bytes: Uint8Array }>();

/**
 * A subgroup object's bytes, encoded once for every subscriber that sends it the same way: a
 * relay fanning an object out to N streams allocates and copies it once, not N times, and the
 * transport keeps the one buffer by reference (markShared). Keyed by the payload, which the
 * model never changes, and by every header field, so a subscriber whose header differs
 * (another object id delta, extensions, draft) gets its own.
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
  const header = `${headerType}/${object.objectId}/${previousObjectId ?? ''}/${encoding}/${extensionsKey(object.extensions)}`;
  const found = encoded.get(payload);
  if (found?.header === header) return found.bytes;
  const bytes = markShared(encodeSubgroupObject(object, headerType, previousObjectId, encoding));
  encoded.set(payload, { header, bytes });
  return bytes;
}

function extensionsKey(extensions: ExtensionHeaders | undefined): string {
  if (!extensions || extensions.length === 0) return '';
  return extensions
    .map((e) => `${e.type}=${typeof e.value === 'number' ? e.value : bytesKey(e.value)}`)
    .join(',');
}

function bytesKey(bytes: Uint8Array): string {
  let key = 'b';
  for (const byte of bytes) key += byte.toString(16).padStart(2, '0');
  return key;
}
