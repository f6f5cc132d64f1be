export type QuicErrorCode =
  | 'STREAM_RESET'
  | 'STREAM_STOPPED'
  | 'STREAM_LIMIT'
  | 'CONNECTION_CLOSED'
  | 'HANDSHAKE_FAILED'
  | 'CERTIFICATE_MISMATCH'
  | 'TIMEOUT'
  | 'CONFIG'
  | 'QUICHE';

/** A QUIC-level failure. `applicationCode` is the peer's (or our) wire error code when one exists. */
export class QuicError extends Error {
  override readonly name = 'QuicError';
  constructor(
    readonly code: QuicErrorCode,
    message: string,
    readonly applicationCode?: number,
  ) {
    super(message);
  }
}
