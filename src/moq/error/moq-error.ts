import { CodingError } from '../../coding/index.js';
import { SessionCloseCode, codeName } from './codes.js';

/** What an error ends: the whole session, one request, or one data stream. */
export type MoqErrorScope = 'session' | 'request' | 'stream';

/**
 * A MoQ Transport error carrying the wire code to send. Session-scope codes come from
 * `SessionCloseCode`; request and stream codes from the per-message tables.
 */
export class MoqError extends Error {
  override readonly name = 'MoqError';
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly scope: MoqErrorScope = 'session',
  ) {
    super(scope === 'session' ? `${codeName(SessionCloseCode, code)}: ${reason}` : reason);
  }

  static protocolViolation(reason: string): MoqError {
    return new MoqError(SessionCloseCode.PROTOCOL_VIOLATION, reason, 'session');
  }

  static keyValueFormatting(reason: string): MoqError {
    return new MoqError(SessionCloseCode.KEY_VALUE_FORMATTING_ERROR, reason, 'session');
  }

  /**
   * Normalises an error thrown while decoding peer data: malformed or truncated wire data
   * (`CodingError`) is a PROTOCOL_VIOLATION; a `MoqError` passes through; anything else is a
   * bug here and is rethrown unchanged.
   */
  static fromDecode(error: unknown): MoqError {
    if (error instanceof MoqError) return error;
    if (error instanceof CodingError) return MoqError.protocolViolation(error.message);
    throw error;
  }
}
