/** Why reaching a relay failed. */
export type RelayClientErrorCode =
  /** The URL is not an http(s) relay URL. */
  | 'BAD_URL'
  /** No transport reached the relay (every attempt's reason is in the message). */
  | 'UNREACHABLE'
  /** Nothing answered within the connect timeout. */
  | 'TIMEOUT'
  /** The relay answered and refused the MoQ session (its setup error is the cause). */
  | 'REFUSED'
  /** The caller's signal aborted. */
  | 'ABORTED';

/** A typed failure of the relay client; compare `code`, never the message. */
export class RelayClientError extends Error {
  override readonly name = 'RelayClientError';
  constructor(
    readonly code: RelayClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
