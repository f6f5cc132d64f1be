/**
 * HTTP/3 application error codes (RFC 9114 §8.1, RFC 9204 §6, RFC 9297 §5.3) and the
 * WebTransport ones (draft-ietf-webtrans-http3-16 §9.5). These go into QUIC RESET_STREAM,
 * STOP_SENDING and CONNECTION_CLOSE frames.
 */
export const H3ErrorCode = {
  NO_ERROR: 0x100,
  GENERAL_PROTOCOL_ERROR: 0x101,
  INTERNAL_ERROR: 0x102,
  STREAM_CREATION_ERROR: 0x103,
  CLOSED_CRITICAL_STREAM: 0x104,
  FRAME_UNEXPECTED: 0x105,
  FRAME_ERROR: 0x106,
  EXCESSIVE_LOAD: 0x107,
  ID_ERROR: 0x108,
  SETTINGS_ERROR: 0x109,
  MISSING_SETTINGS: 0x10a,
  REQUEST_REJECTED: 0x10b,
  REQUEST_CANCELLED: 0x10c,
  REQUEST_INCOMPLETE: 0x10d,
  MESSAGE_ERROR: 0x10e,
  CONNECT_ERROR: 0x10f,
  VERSION_FALLBACK: 0x110,
  QPACK_DECOMPRESSION_FAILED: 0x200,
  QPACK_ENCODER_STREAM_ERROR: 0x201,
  QPACK_DECODER_STREAM_ERROR: 0x202,
  /** H3_DATAGRAM_ERROR (RFC 9297 §5.3). */
  DATAGRAM_ERROR: 0x33,
  WT_BUFFERED_STREAM_REJECTED: 0x3994bd84,
  WT_SESSION_GONE: 0x170d7b68,
  WT_FLOW_CONTROL_ERROR: 0x045d4487,
  WT_ALPN_ERROR: 0x0817b3dd,
  WT_REQUIREMENTS_NOT_MET: 0x212c0d48,
} as const;

/** A protocol violation, carrying the HTTP/3 error code to close the stream or connection with. */
export class H3Error extends Error {
  override readonly name = 'H3Error';

  constructor(
    readonly code: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
