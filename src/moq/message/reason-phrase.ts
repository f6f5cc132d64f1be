import { type Reader, type Writer, decodeUtf8 } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** §Reason Phrase Structure: at most 1024 bytes of UTF-8. */
export const MAX_REASON_PHRASE_BYTES = 1024;

const utf8 = new TextEncoder();

export function writeReasonPhrase(w: Writer, reason: string): void {
  const bytes = utf8.encode(reason);
  if (bytes.length > MAX_REASON_PHRASE_BYTES) {
    throw MoqError.protocolViolation(`reason phrase of ${bytes.length} bytes exceeds 1024`);
  }
  w.lengthPrefixedBytes(bytes);
}

export function readReasonPhrase(r: Reader): string {
  const length = r.varint();
  if (length > MAX_REASON_PHRASE_BYTES) {
    throw MoqError.protocolViolation(`reason phrase of ${length} bytes exceeds 1024`);
  }
  return decodeUtf8(r.bytes(length));
}
