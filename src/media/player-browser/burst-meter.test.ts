import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BurstMeter } from './burst-meter.js';

test('a back-to-back burst gives bytes over its span; the first pause ends it', () => {
  const samples: number[] = [];
  const meter = new BurstMeter((bps) => samples.push(bps));
  for (let i = 0; i <= 10; i++) meter.add(10_000, 100 + i * 2); // 110 kB over 20 ms
  meter.add(10_000, 150); // live pace: not part of the burst
  assert.deepEqual(samples, [(110_000 * 8 * 1000) / 20]);
  assert.ok(meter.done);
  meter.add(10_000, 151);
  assert.equal(samples.length, 1);
});

test('a burst too small or too short to mean anything gives no sample', () => {
  const samples: number[] = [];
  const small = new BurstMeter((bps) => samples.push(bps));
  for (let i = 0; i < 10; i++) small.add(1000, i * 2);
  small.finish();
  const instant = new BurstMeter((bps) => samples.push(bps));
  instant.add(100_000, 5);
  instant.add(100_000, 6);
  instant.finish();
  assert.deepEqual(samples, []);
});
