/** Why the encoder could not do what was asked; `code` is stable, `message` is for people. */
export type EncoderErrorCode =
  | 'FFMPEG_NOT_FOUND'
  | 'BAD_LADDER'
  | 'BAD_OPTIONS'
  | 'FILE_NOT_FOUND'
  | 'NO_VIDEO'
  | 'BAD_INPUT'
  | 'FAILED_TO_START'
  | 'DIED'
  | 'CONSUMER_STALLED'
  | 'BAD_OUTPUT'
  | 'ABORTED';

export class EncoderError extends Error {
  override readonly name = 'EncoderError';
  constructor(
    readonly code: EncoderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
