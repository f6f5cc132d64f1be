import { CodingError, readVarint, type DecodedVarint } from '../../coding/index.js';

/** A varint read by `readLenientVarint`; `exact` is false when the value had to be rounded. */
export interface LenientVarint extends DecodedVarint {
  exact: boolean;
}

/**
 * Like `readVarint` (undefined when the buffer ends inside the varint), but a value beyond 2^53
 * comes back rounded to the nearest double instead of throwing.
 *
 * Why: HTTP/3 reserves codepoints 0x1f * N + 0x21 up to 2^62 for GREASE frame types, stream
 * types, settings and capsule types, and receivers must ignore them (RFC 9114 §6.2.3, §7.2.8,
 * §7.2.4.1; RFC 9297 §3.2). A rounded value is at least 2^53, so it never equals a codepoint this
 * project knows, and the caller ignores it like any other unknown one instead of failing.
 */
export function readLenientVarint(bytes: Uint8Array, offset = 0): LenientVarint | undefined {
  try {
    const decoded = readVarint(bytes, offset);
    return decoded && { ...decoded, exact: true };
  } catch (e) {
    if (!(e instanceof CodingError)) throw e;
    // Only an 8-byte varint can exceed 2^53, and readVarint has checked that all 8 bytes are here.
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
    const high = view.getUint32(0) & 0x3fffffff;
    return { value: high * 0x100000000 + view.getUint32(4), size: 8, exact: false };
  }
}
