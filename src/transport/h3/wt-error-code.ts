/**
 * WebTransport application error codes (u32) travel in RESET_STREAM / STOP_SENDING as HTTP/3
 * codes in the WT_APPLICATION_ERROR range, skipping the reserved GREASE points 0x1f * N + 0x21
 * that fall inside it (draft-ietf-webtrans-http3-16 §4.4). Verified with Chromium: code 7 arrives
 * as 0x52e4a40fa8e2.
 */
const FIRST = 0x52e4a40fa8db;
const LAST = 0x52e5ac983162;

/** Maps a u32 WebTransport code into the HTTP/3 range: one code point is skipped every 0x1e. */
export function webTransportCodeToHttp3(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) {
    throw new RangeError(`WebTransport error code must be a u32: ${code}`);
  }
  return FIRST + code + Math.floor(code / 0x1e);
}

/**
 * The WebTransport code carried by an HTTP/3 code, or undefined when it is outside the range or a
 * reserved point (the stream was reset, but not by the peer's application: §4.4).
 */
export function http3CodeToWebTransport(h3Code: number): number | undefined {
  if (!Number.isSafeInteger(h3Code) || h3Code < FIRST || h3Code > LAST) return undefined;
  const shifted = h3Code - FIRST;
  // FIRST ≡ 3 (mod 0x1f), so the reserved points 0x1f * N + 0x21 are where shifted ≡ 0x1e.
  if (shifted % 0x1f === 0x1e) return undefined;
  return shifted - Math.floor(shifted / 0x1f);
}
