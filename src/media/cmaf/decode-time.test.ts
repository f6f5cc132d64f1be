import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { makeBox } from './box-reader.js';
import { shiftDecodeTime } from './decode-time.js';
import { Fmp4Error } from './fmp4-error.js';

function tfdt(version: 0 | 1, ticks: number): Uint8Array {
  const body = new Uint8Array(version === 1 ? 12 : 8);
  const data = new DataView(body.buffer);
  data.setUint8(0, version);
  if (version === 1) data.setBigUint64(4, BigInt(ticks));
  else data.setUint32(4, ticks);
  return makeBox('tfdt', body);
}

function chunk(box: Uint8Array): Uint8Array {
  const tfhd = makeBox('tfhd', new Uint8Array(8));
  return makeBox('moof', makeBox('traf', tfhd, box));
}

function readTicks(bytes: Uint8Array): number {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // moof(8) traf(8) tfhd(16) tfdt header(8) version+flags(4)
  const at = 8 + 8 + 16 + 8;
  return data.getUint8(at) === 1 ? Number(data.getBigUint64(at + 4)) : data.getUint32(at + 4);
}

describe('shiftDecodeTime', () => {
  it('moves a version-0 and a version-1 tfdt and leaves the input alone', () => {
    for (const version of [0, 1] as const) {
      const original = chunk(tfdt(version, 90_000 * 20));
      const shifted = shiftDecodeTime(original, -90_000 * 20 + 3000);
      assert.equal(readTicks(shifted), 3000);
      assert.equal(readTicks(original), 90_000 * 20);
    }
  });

  it('refuses a shift below zero', () => {
    assert.throws(() => shiftDecodeTime(chunk(tfdt(0, 100)), -101), Fmp4Error);
  });
});
