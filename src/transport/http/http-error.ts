/** Why the HTTP frontend could not do what was asked. */
export type HttpFrontendErrorCode = 'LISTEN_FAILED' | 'ROUTE_EXISTS' | 'INVALID_ROUTE' | 'ABORTED';

/** A typed failure of the HTTP/WebSocket frontend. */
export class HttpFrontendError extends Error {
  override readonly name = 'HttpFrontendError';
  constructor(
    readonly code: HttpFrontendErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
