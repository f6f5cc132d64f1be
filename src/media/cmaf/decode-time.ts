import { childBoxes, requireBody, view } from './box-reader.js';
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
  for (const moof of childBoxes(out, 0, out.length)) {
    if (moof.type !== 'moof') continue;
    for (const traf of childBoxes(out, moof.bodyStart, moof.end)) {
      if (traf.type !== 'traf') continue;
      for (const tfdt of childBoxes(out, traf.bodyStart, traf.end)) {
        if (tfdt.type !== 'tfdt') continue;
        requireBody(tfdt, 8);
        const at = tfdt.bodyStart + 4;
        if (data.getUint8(tfdt.bodyStart) === 1) {
          requireBody(tfdt, 12);
          data.setBigUint64(
            at,
            BigInt(checked(Number(data.getBigUint64(at)) + deltaTicks, 2 ** 53)),
          );
        } else {
          data.setUint32(at, checked(data.getUint32(at) + deltaTicks, 2 ** 32));
        }
      }
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
