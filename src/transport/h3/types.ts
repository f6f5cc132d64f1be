/**
 * HTTP/3 frame types (RFC 9114 §7.2) plus WT_STREAM, which is not a frame but the signal value
 * opening a WebTransport bidirectional stream (draft-ietf-webtrans-http3-16 §4.3).
 */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  CANCEL_PUSH: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  GOAWAY: 0x7,
  MAX_PUSH_ID: 0xd,
  WEBTRANSPORT_STREAM: 0x41,
} as const;

/** Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2, WebTransport draft §4.2). */
export const StreamType = {
  CONTROL: 0x0,
  PUSH: 0x1,
  QPACK_ENCODER: 0x2,
  QPACK_DECODER: 0x3,
  WEBTRANSPORT_UNI: 0x54,
} as const;
