/** Session termination codes (§IANA "Session Termination Error Codes", §3.4 Termination). */
export const SessionCloseCode = {
  NO_ERROR: 0x0,
  INTERNAL_ERROR: 0x1,
  UNAUTHORIZED: 0x2,
  PROTOCOL_VIOLATION: 0x3,
  INVALID_REQUEST_ID: 0x4,
  DUPLICATE_TRACK_ALIAS: 0x5,
  KEY_VALUE_FORMATTING_ERROR: 0x6,
  TOO_MANY_REQUESTS: 0x7,
  INVALID_PATH: 0x8,
  MALFORMED_PATH: 0x9,
  GOAWAY_TIMEOUT: 0x10,
  CONTROL_MESSAGE_TIMEOUT: 0x11,
  DATA_STREAM_TIMEOUT: 0x12,
  AUTH_TOKEN_CACHE_OVERFLOW: 0x13,
  DUPLICATE_AUTH_TOKEN_ALIAS: 0x14,
  VERSION_NEGOTIATION_FAILED: 0x15,
  MALFORMED_AUTH_TOKEN: 0x16,
  UNKNOWN_AUTH_TOKEN_ALIAS: 0x17,
  EXPIRED_AUTH_TOKEN: 0x18,
  INVALID_AUTHORITY: 0x19,
  MALFORMED_AUTHORITY: 0x1a,
} as const;

/** SUBSCRIBE_ERROR codes (§SUBSCRIBE_ERROR); TRACK_STATUS_ERROR uses the same table. */
export const SubscribeErrorCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TIMEOUT: 0x2,
  NOT_SUPPORTED: 0x3,
  TRACK_DOES_NOT_EXIST: 0x4,
  INVALID_RANGE: 0x5,
  MALFORMED_AUTH_TOKEN: 0x10,
  EXPIRED_AUTH_TOKEN: 0x12,
} as const;

/** TRACK_STATUS_ERROR codes: §TRACK_STATUS_ERROR is populated exactly like SUBSCRIBE_ERROR. */
export const TrackStatusErrorCode = SubscribeErrorCode;

/** PUBLISH_DONE status codes (§PUBLISH_DONE). */
export const PublishDoneCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TRACK_ENDED: 0x2,
  SUBSCRIPTION_ENDED: 0x3,
  GOING_AWAY: 0x4,
  EXPIRED: 0x5,
  TOO_FAR_BEHIND: 0x6,
  MALFORMED_TRACK: 0x7,
} as const;

/** PUBLISH_ERROR codes (§PUBLISH_ERROR). */
export const PublishErrorCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TIMEOUT: 0x2,
  NOT_SUPPORTED: 0x3,
  UNINTERESTED: 0x4,
} as const;

/** FETCH_ERROR codes (§FETCH_ERROR). */
export const FetchErrorCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TIMEOUT: 0x2,
  NOT_SUPPORTED: 0x3,
  TRACK_DOES_NOT_EXIST: 0x4,
  INVALID_RANGE: 0x5,
  NO_OBJECTS: 0x6,
  INVALID_JOINING_REQUEST_ID: 0x7,
  UNKNOWN_STATUS_IN_RANGE: 0x8,
  MALFORMED_TRACK: 0x9,
  MALFORMED_AUTH_TOKEN: 0x10,
  EXPIRED_AUTH_TOKEN: 0x12,
} as const;

/**
 * PUBLISH_NAMESPACE_ERROR codes (§PUBLISH_NAMESPACE_ERROR; the IANA table still calls it
 * ANNOUNCE_ERROR). PUBLISH_NAMESPACE_CANCEL uses the same table.
 */
export const PublishNamespaceErrorCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TIMEOUT: 0x2,
  NOT_SUPPORTED: 0x3,
  UNINTERESTED: 0x4,
  /**
   * Another session publishes this namespace. Not in draft-14's table (which has no code for
   * it); the value mirrors SUBSCRIBE_NAMESPACE_ERROR's NAMESPACE_PREFIX_OVERLAP (0x5), so clients
   * can tell a taken name from other refusals without reading the reason text.
   */
  NAMESPACE_TAKEN: 0x5,
  MALFORMED_AUTH_TOKEN: 0x10,
  EXPIRED_AUTH_TOKEN: 0x12,
} as const;

/** SUBSCRIBE_NAMESPACE_ERROR codes (§SUBSCRIBE_NAMESPACE_ERROR). */
export const SubscribeNamespaceErrorCode = {
  INTERNAL_ERROR: 0x0,
  UNAUTHORIZED: 0x1,
  TIMEOUT: 0x2,
  NOT_SUPPORTED: 0x3,
  NAMESPACE_PREFIX_UNKNOWN: 0x4,
  NAMESPACE_PREFIX_OVERLAP: 0x5,
  MALFORMED_AUTH_TOKEN: 0x10,
  EXPIRED_AUTH_TOKEN: 0x12,
} as const;

/** RESET_STREAM / RESET_STREAM_AT codes for data streams (§Closing Subgroup Streams). */
export const DataStreamResetCode = {
  INTERNAL_ERROR: 0x0,
  CANCELLED: 0x1,
  DELIVERY_TIMEOUT: 0x2,
  SESSION_CLOSED: 0x3,
} as const;

/** One of the code tables above. */
export type CodeTable = Readonly<Record<string, number>>;

/** The name of `code` in `table` for logs, e.g. `PROTOCOL_VIOLATION`, or `UNKNOWN(0x2a)`. */
export function codeName(table: CodeTable, code: number): string {
  for (const [name, value] of Object.entries(table)) {
    if (value === code) return name;
  }
  return `UNKNOWN(0x${code.toString(16)})`;
}
