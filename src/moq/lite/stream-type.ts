/** The varint that opens every bidirectional stream: what the stream is for. */
export const LiteBidiType = {
  SESSION: 0,
  ANNOUNCE: 1,
  SUBSCRIBE: 2,
  FETCH: 3,
  PROBE: 4,
  GOAWAY: 5,
  TRACK: 6,
} as const;

/** The varint that opens every unidirectional stream. */
export const LiteUniType = {
  GROUP: 0,
  /** lite-05: one SETUP message, then FIN. */
  SETUP: 1,
} as const;
