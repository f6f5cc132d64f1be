/** Why a QMux session could not be opened. */
export type QmuxErrorCode =
  'INVALID_URL' | 'INVALID_PROTOCOL' | 'HANDSHAKE_REJECTED' | 'HANDSHAKE_FAILED' | 'ABORTED';

/** A typed QMux connection failure; `status` is the HTTP status when the server refused. */
export class QmuxError extends Error {
  override readonly name = 'QmuxError';
  readonly status: number | undefined;
  constructor(
    readonly code: QmuxErrorCode,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}
