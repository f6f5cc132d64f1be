import { Writer } from '../../coding/index.js';
import { H3Error, H3ErrorCode } from './h3-error.js';
import { readLenientVarint } from './lenient-varint.js';

/** SETTINGS identifiers this project knows (RFC 9114 §7.2.4.1, RFC 9204 §5, RFC 9297, drafts). */
export const Setting = {
  QPACK_MAX_TABLE_CAPACITY: 0x01,
  MAX_FIELD_SECTION_SIZE: 0x06,
  QPACK_BLOCKED_STREAMS: 0x07,
  /** Extended CONNECT (RFC 8441 §3, RFC 9220 §3). */
  ENABLE_CONNECT_PROTOCOL: 0x08,
  /** RFC 9297 §2.1.1. */
  H3_DATAGRAM: 0x33,
  /** draft-ietf-masque-h3-datagram-04; Chromium still sends it alongside 0x33. */
  H3_DATAGRAM_DRAFT04: 0xffd277,
  /** WebTransport draft-02 "ENABLE_WEBTRANSPORT": the one stock Chromium 156 requires. */
  ENABLE_WEBTRANSPORT_DRAFT02: 0x2b603742,
  /** WebTransport draft-07 max sessions (Chromium with EnableWebTransportDraft07). */
  WEBTRANSPORT_MAX_SESSIONS_DRAFT07: 0xc671706a,
  /** WT_MAX_SESSIONS of later drafts; advertising only this makes Chromium 156 fail. */
  WT_MAX_SESSIONS: 0x14e9cd29,
  /** draft-ietf-webtrans-http3-16 §9.2: SETTINGS_WT_ENABLED (draft-16 codepoint). */
  WT_ENABLED: 0x2c7cf000,
  /** draft-16 §5.5 flow-control defaults. */
  WT_INITIAL_MAX_STREAMS_UNI: 0x2b64,
  WT_INITIAL_MAX_STREAMS_BIDI: 0x2b65,
  WT_INITIAL_MAX_DATA: 0x2b61,
} as const;

/** Identifiers HTTP/2 defined whose use in HTTP/3 is an error (RFC 9114 §7.2.4.1, §11.2.2). */
const HTTP2_RESERVED = new Set([0x0, 0x2, 0x3, 0x4, 0x5]);

/** Settings whose only legal values are 0 and 1 (RFC 8441 §3, RFC 9297 §2.1.1). */
const BOOLEAN_SETTINGS = new Set<number>([
  Setting.ENABLE_CONNECT_PROTOCOL,
  Setting.H3_DATAGRAM,
  Setting.H3_DATAGRAM_DRAFT04,
]);

/** Serialises a SETTINGS frame payload (the caller wraps it with encodeFrame). */
export function encodeSettings(settings: ReadonlyMap<number, number>): Uint8Array {
  const writer = new Writer();
  for (const [id, value] of settings) {
    if (HTTP2_RESERVED.has(id)) throw new RangeError(`setting 0x${id.toString(16)} is reserved`);
    writer.varint(id).varint(value);
  }
  return writer.finish();
}

/**
 * Parses a SETTINGS frame payload (RFC 9114 §7.2.4). Unknown and GREASE identifiers are kept for
 * the caller to ignore, except those beyond 2^53, which cannot be held exactly and are dropped.
 * A value beyond 2^53 is kept rounded (peers send 2^62-1 to mean "unlimited").
 */
export function decodeSettings(payload: Uint8Array): Map<number, number> {
  const settings = new Map<number, number>();
  let offset = 0;
  while (offset < payload.length) {
    const id = readLenientVarint(payload, offset);
    const value = id && readLenientVarint(payload, offset + id.size);
    if (!id || !value) throw new H3Error(H3ErrorCode.FRAME_ERROR, 'SETTINGS payload truncated');
    offset += id.size + value.size;
    if (!id.exact) continue;
    checkSetting(settings, id.value, value.value);
    settings.set(id.value, value.value);
  }
  return settings;
}

function checkSetting(seen: ReadonlyMap<number, number>, id: number, value: number): void {
  const hex = `0x${id.toString(16)}`;
  if (seen.has(id)) throw new H3Error(H3ErrorCode.SETTINGS_ERROR, `setting ${hex} repeated`);
  if (HTTP2_RESERVED.has(id)) {
    throw new H3Error(H3ErrorCode.SETTINGS_ERROR, `setting ${hex} is reserved (HTTP/2)`);
  }
  if (BOOLEAN_SETTINGS.has(id) && value > 1) {
    throw new H3Error(H3ErrorCode.SETTINGS_ERROR, `setting ${hex} must be 0 or 1, got ${value}`);
  }
}

/**
 * What our server sends, in the order of notes/webtransport-chromium.md §4 (verified against
 * Chromium 156): no QPACK dynamic table, extended CONNECT, RFC 9297 datagrams, WebTransport
 * draft-02 (required by stock Chromium) and draft-07 max sessions (for draft-07 clients).
 * Newer-draft settings (WT_MAX_SESSIONS, WT_ENABLED) are left out: nothing here speaks those
 * drafts, and advertising them would let a newer client pick a version we do not implement.
 */
export function serverSettings(): Map<number, number> {
  return new Map<number, number>([
    [Setting.QPACK_MAX_TABLE_CAPACITY, 0],
    [Setting.QPACK_BLOCKED_STREAMS, 0],
    [Setting.ENABLE_CONNECT_PROTOCOL, 1],
    [Setting.H3_DATAGRAM, 1],
    [Setting.ENABLE_WEBTRANSPORT_DRAFT02, 1],
    [Setting.WEBTRANSPORT_MAX_SESSIONS_DRAFT07, 16],
  ]);
}

/**
 * What our Node client sends: the same set. A draft-02/07 server needs the client's WebTransport
 * setting to know its version (draft-16 §7.1), and QPACK capacity 0 keeps the server's header
 * blocks free of dynamic-table references, which our decoder rejects.
 */
export function clientSettings(): Map<number, number> {
  return serverSettings();
}
