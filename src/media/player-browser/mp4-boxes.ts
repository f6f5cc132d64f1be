/**
 * Drops `prft` boxes from a CMAF chunk before it goes to MSE: the producer time is read by the
 * player, and not every MSE parser accepts a top-level `prft`.
 */
export function withoutPrft(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keep: Array<[number, number]> = [];
  let removed = false;
  for (let at = 0; at + 8 <= bytes.byteLength;) {
    let size = view.getUint32(at);
    if (size === 1 && at + 16 <= bytes.byteLength) size = Number(view.getBigUint64(at + 8));
    if (size === 0) size = bytes.byteLength - at;
    if (size < 8) return bytes; // not a box stream we understand: pass it on untouched
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'prft') removed = true;
    else keep.push([at, Math.min(bytes.byteLength, at + size)]);
    at += size;
  }
  if (!removed) return bytes;
  const out = new Uint8Array(keep.reduce((n, [s, e]) => n + e - s, 0));
  let written = 0;
  for (const [start, end] of keep) {
    out.set(bytes.subarray(start, end), written);
    written += end - start;
  }
  return out;
}
