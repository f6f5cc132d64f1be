/** Why a chat operation failed; `code` is stable, the message is for people. */
export type ChatErrorCode = 'INVALID_MESSAGE' | 'RATE_LIMITED' | 'CLOSED';

export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    /** For RATE_LIMITED: how long until the next message may be sent. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
