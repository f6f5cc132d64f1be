/** Where a transport error came from, as in the W3C `WebTransportError.source`. */
export type TransportErrorSource = 'stream' | 'session';

/**
 * The Node-side equivalent of the browser's `WebTransportError`: a stream reset or stop
 * carries the peer's WebTransport stream error code; a session failure carries none.
 */
export class TransportError extends Error {
  override readonly name = 'WebTransportError';
  constructor(
    message: string,
    readonly source: TransportErrorSource,
    readonly streamErrorCode: number | null = null,
  ) {
    super(message);
  }
}
