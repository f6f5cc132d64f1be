import type { StudioErrorCode, StudioErrorInfo } from './studio-api.js';

/** A failure the user should read: a stable code, one clear sentence, and what to do about it. */
export class StudioError extends Error {
  override readonly name = 'StudioError';

  constructor(
    readonly code: StudioErrorCode,
    message: string,
    readonly hint = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The structured-clonable form carried in the status and over the wire. */
  toInfo(): StudioErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** The message of anything thrown, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const inner = error.cause instanceof Error ? error.cause.message : '';
    const cause = inner && !error.message.includes(inner) ? `: ${inner}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
