import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** An 8-bit flag that must be exactly 0 or 1 (Forward, Content Exists, End Of Track). */
export function readFlag(r: Reader, field: string): boolean {
  const value = r.u8();
  if (value === 0) return false;
  if (value === 1) return true;
  throw MoqError.protocolViolation(`${field} must be 0 or 1, got ${value}`);
}

export function writeFlag(w: Writer, value: boolean): void {
  w.u8(value ? 1 : 0);
}

/** An 8-bit field such as a priority; values outside 0..255 cannot be sent. */
export function writeU8(w: Writer, value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw MoqError.protocolViolation(`${field} must fit 8 bits, got ${value}`);
  }
  w.u8(value);
}
