// Pure HTTP/3 + WebTransport wire codecs: no I/O, no QUIC. Every decoder throws only H3Error.
export { H3Error, H3ErrorCode } from './h3-error.js';
export { FrameType, StreamType } from './types.js';
export { encodeFrame, FrameReader, type FrameReaderOptions } from './frame.js';
export type { Tlv as Frame, Tlv as Capsule } from './tlv.js';
export {
  Setting,
  clientSettings,
  decodeSettings,
  encodeSettings,
  serverSettings,
} from './settings.js';
export {
  decodeFieldSection,
  encodeFieldSection,
  type DecodeFieldSectionOptions,
  type FieldLine,
} from './qpack.js';
export { huffmanDecode, huffmanEncode } from './huffman.js';
export { CapsuleReader, CapsuleType, encodeCapsule, type CapsuleReaderOptions } from './capsule.js';
export { MAX_CLOSE_REASON_BYTES, decodeCloseSession, encodeCloseSession } from './close-session.js';
export { http3CodeToWebTransport, webTransportCodeToHttp3 } from './wt-error-code.js';
export { encodeBidiStreamHeader, encodeUniStreamHeader, readVarints } from './stream-header.js';
export { decodeDatagram, encodeDatagramPrefix } from './datagram.js';
