import { childBoxes } from './box-reader.js';
import { Fmp4Error } from './fmp4-error.js';
import { NTP_UNIX_OFFSET_S } from './fragment-parser.js';

/**
 * prft flags (ISO/IEC 14496-12 §8.16.5): 0 = the UTC time at which the sample at media_time was
 * input to the encoder, which is what an anchored real-time clock states.
 */
export const PRFT_FLAGS_ENCODER_INPUT = 0;

/** A wall clock (ms since the Unix epoch) as NTP seconds and 32-bit fraction, as prft holds it. */
export function ntpTime(wallClockMs: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(wallClockMs / 1000);
  const fraction = Math.floor(((wallClockMs - seconds * 1000) / 1000) * 0x100000000);
  return { seconds: seconds + NTP_UNIX_OFFSET_S, fraction: Math.min(fraction, 0xffffffff) };
}

/**
 * Rewrites, in place, the `prft` box that leads a CMAF chunk: its wall clock (ms since the Unix
 * epoch) and media time. Returns false when the chunk has no prft.
 */
export function rewritePrft(chunk: Uint8Array, wallClockMs: number, mediaTime: number): boolean {
  const prft = childBoxes(chunk, 0, chunk.byteLength).find((box) => box.type === 'prft');
  if (!prft) return false;
  const data = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const at = prft.bodyStart;
  if (prft.end - at < 20) throw new Fmp4Error('MALFORMED', 'prft box too short');
  const version = data.getUint8(at);
  if (version === 1 && prft.end - at < 24) throw new Fmp4Error('MALFORMED', 'prft v1 too short');
  data.setUint32(at, (version << 24) | PRFT_FLAGS_ENCODER_INPUT);
  const ntp = ntpTime(wallClockMs);
  data.setUint32(at + 8, ntp.seconds);
  data.setUint32(at + 12, ntp.fraction);
  if (version === 1) data.setBigUint64(at + 16, BigInt(Math.max(0, Math.round(mediaTime))));
  else data.setUint32(at + 16, Math.max(0, Math.round(mediaTime)) >>> 0);
  return true;
}
