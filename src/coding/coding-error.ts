/** Why a byte sequence could not be decoded or a value could not be encoded. */
export type CodingErrorCode = 'SHORT_BUFFER' | 'VARINT_RANGE' | 'INVALID_VALUE';

/** A typed error for malformed or truncated wire data. Decoders throw nothing else. */
export class CodingError extends Error {
  override readonly name = 'CodingError';
  constructor(
    readonly code: CodingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
