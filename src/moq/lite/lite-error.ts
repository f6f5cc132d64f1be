/** Why a moq-lite session or stream failed. */
export type LiteErrorCode =
  | 'MALFORMED' // bytes that do not decode as the negotiated version's messages
  | 'PROTOCOL_VIOLATION' // well-formed, but not allowed here (unknown stream type, duplicate id)
  | 'NOT_FOUND' // no such broadcast or track
  | 'UNAUTHORIZED'
  | 'CLOSED';

/**
 * Session close codes sent on the transport: moq-lite reuses the IETF draft's numbers, and
 * @moq/net closes with 15 on a protocol violation of its own.
 */
const CLOSE_CODES: Record<LiteErrorCode, number> = {
  MALFORMED: 0x3,
  PROTOCOL_VIOLATION: 0x3,
  NOT_FOUND: 0x0,
  UNAUTHORIZED: 0x2,
  CLOSED: 0x0,
};

/** Stream reset codes for a refused request (the session lives on). */
const RESET_CODES: Record<LiteErrorCode, number> = {
  MALFORMED: 0x3,
  PROTOCOL_VIOLATION: 0x3,
  NOT_FOUND: 0x4,
  UNAUTHORIZED: 0x1,
  CLOSED: 0x0,
};

export class LiteError extends Error {
  override readonly name = 'LiteError';
  constructor(
    readonly code: LiteErrorCode,
    message: string,
  ) {
    super(message);
  }

  get closeCode(): number {
    return CLOSE_CODES[this.code];
  }

  get resetCode(): number {
    return RESET_CODES[this.code];
  }

  /** Closes the session for this error: malformed bytes and violations do. */
  get isSessionFatal(): boolean {
    return this.code === 'MALFORMED' || this.code === 'PROTOCOL_VIOLATION';
  }
}
