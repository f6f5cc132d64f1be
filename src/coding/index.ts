export { CodingError, type CodingErrorCode } from './coding-error.js';
export { VARINT_MAX, encodeVarint, readVarint, varintSize, writeVarint } from './varint.js';
export type { DecodedVarint } from './varint.js';
export { Reader, decodeUtf8, type VarintEncoding } from './reader.js';
export { encodeVi64, readVi64, vi64Size, writeVi64 } from './vi64.js';
export { Writer } from './writer.js';
export { ByteQueue } from './byte-queue.js';
export { isShared, markShared } from './shared-bytes.js';
export { sameBytes } from './same-bytes.js';
