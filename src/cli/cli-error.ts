/**
 * Process exit codes shared by the command-line tools, so scripts can tell a typo from a relay
 * that is down from a refusal by the peer.
 */
export const ExitCode = {
  OK: 0,
  /** A bug or an error nothing else describes. */
  INTERNAL: 1,
  /** Bad flags or configuration (unreadable certificate files included). */
  USAGE: 2,
  /** The relay could not be reached, or the relay could not bind its address. */
  NETWORK: 3,
  /** The peer refused a request (announce, subscribe). */
  REFUSED: 4,
  /** The session ended with an error. */
  SESSION: 5,
  /** The media source or encoder failed (missing file, no video, ffmpeg missing or died), or a
   * subscriber received no media. */
  MEDIA: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type CliErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'BIND'
  | 'UNREACHABLE'
  | 'REFUSED'
  | 'SESSION_ERROR'
  | 'MEDIA'
  | 'NO_MEDIA'
  | 'INTERNAL';

const EXIT_FOR: Record<CliErrorCode, ExitCodeValue> = {
  USAGE: ExitCode.USAGE,
  CONFIG: ExitCode.USAGE,
  BIND: ExitCode.NETWORK,
  UNREACHABLE: ExitCode.NETWORK,
  REFUSED: ExitCode.REFUSED,
  SESSION_ERROR: ExitCode.SESSION,
  MEDIA: ExitCode.MEDIA,
  NO_MEDIA: ExitCode.MEDIA,
  INTERNAL: ExitCode.INTERNAL,
};

/** A failure the user should read: one clear line, and the exit code that goes with it. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;

  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.exitCode = EXIT_FOR[code];
  }

  /** USAGE errors are followed by the usage text. */
  get showUsage(): boolean {
    return this.code === 'USAGE';
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
