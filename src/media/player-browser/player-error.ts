/** Why the player could not do what was asked. */
export type PlayerErrorCode =
  | 'CONNECT_FAILED'
  /** The session with the relay closed under a playing broadcast (a page may connect again). */
  | 'CONNECTION_LOST'
  | 'BAD_URL'
  | 'NOT_LIVE'
  | 'NO_CATALOG'
  | 'NO_PLAYABLE_TRACK'
  | 'UNSUPPORTED_CODEC'
  | 'DECODE_FAILED'
  | 'MSE_FAILED'
  | 'ABORTED';

/** A typed player failure; `code` says which step failed. */
export class PlayerError extends Error {
  override readonly name = 'PlayerError';
  constructor(
    readonly code: PlayerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
