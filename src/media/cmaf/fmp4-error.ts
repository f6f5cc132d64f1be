export type Fmp4ErrorCode =
  'MALFORMED' | 'TOO_LARGE' | 'NO_INIT' | 'MULTI_TRACK' | 'UNSUPPORTED' | 'TRUNCATED';

/** An fMP4 byte stream or box that cannot be read: malformed, oversized or of a kind we do not carry. */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
  constructor(
    readonly code: Fmp4ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
