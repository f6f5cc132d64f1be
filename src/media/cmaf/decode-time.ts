import { requireBody, trafChildren, view } from './box-reader.js';
import { Fmp4Error } from './fmp4-error.js';

/**
 * A copy of a CMAF chunk with every traf's `tfdt` baseMediaDecodeTime moved by `deltaTicks` (in
 * the track's timescale) — to restart a recording's timeline at zero. A version-0 tfdt that the
 * shift would take past 32 bits, or any decode time that would go negative, is an error: the
 * caller chose a wrong offset.
 */
export function shiftDecodeTime(chunk: Uint8Array, deltaTicks: number): Uint8Array {
  const out = chunk.slice();
  const data = view(out);
  for (const tfdt of trafChildren(out, 'tfdt')) {
    requireBody(tfdt, 8);
    const at = tfdt.bodyStart + 4;
    if (data.getUint8(tfdt.bodyStart) === 1) {
      requireBody(tfdt, 12);
      const ticks = checked(Number(data.getBigUint64(at)) + deltaTicks, 2 ** 53);
      data.setBigUint64(at, BigInt(ticks));
    } else {
      data.setUint32(at, checked(data.getUint32(at) + deltaTicks, 2 ** 32));
    }
  }
  return out;
}

function checked(ticks: number, limit: number): number {
  if (!Number.isInteger(ticks) || ticks < 0 || ticks >= limit) {
    throw new Fmp4Error('MALFORMED', `decode time ${ticks} out of range after the shift`);
  }
  return ticks;
}
