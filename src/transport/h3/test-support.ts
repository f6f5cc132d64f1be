// Helpers shared by the tests in this folder (not part of the public surface).
import { H3Error } from './h3-error.js';

/** An assert.throws validator: an H3Error carrying exactly `code`. */
export function h3Error(code: number): (e: unknown) => boolean {
  return (e) => e instanceof H3Error && e.code === code;
}

/** Runs `fn`, tolerating H3Error and rethrowing anything else (for fuzz properties). */
export function onlyH3Errors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof H3Error)) throw e;
  }
}

export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Splits `bytes` at the given (unsorted, possibly repeated) cut points. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}
