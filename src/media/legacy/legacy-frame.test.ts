import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LegacyFrameError, readLegacyFrame } from './legacy-frame.js';

/** @moq/hang's own legacy encoder (its .d.ts files do not resolve under NodeNext: typed here). */
const { Legacy } = (await import('@moq/hang/container')) as unknown as {
  Legacy: { encodeFrame(payload: Uint8Array, timestampUs: number): Uint8Array };
};

test("frames written by @moq/hang's legacy encoder read back: timestamp and payload", () => {
  for (const timestampUs of [0, 63, 16_383, 1_000_000, 2 ** 40]) {
    const payload = new Uint8Array([0, 0, 0, 1, 0x65, timestampUs & 0xff]);
    const frame = readLegacyFrame(Legacy.encodeFrame(payload, timestampUs));
    assert.equal(frame?.timestampUs, timestampUs);
    assert.deepEqual(frame?.payload, payload);
  }
});

test('an empty payload is the end marker; a truncated timestamp is an error', () => {
  assert.equal(readLegacyFrame(Legacy.encodeFrame(new Uint8Array(0), 5)), undefined);
  assert.throws(() => readLegacyFrame(new Uint8Array([0x80, 0])), LegacyFrameError);
  assert.throws(() => readLegacyFrame(new Uint8Array(0)), LegacyFrameError);
});
