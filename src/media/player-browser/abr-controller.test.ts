import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbrController } from './abr-controller.js';

const rungs = [
  { name: '360p', bitrate: 800_000, height: 360 },
  { name: '720p', bitrate: 2_500_000, height: 720 },
  { name: '1080p', bitrate: 5_000_000, height: 1080 },
];
const healthy = { dropped: 0, rendered: 30, stalled: false, bitrateBps: 2_500_000 };

test('starts at the tallest rung the screen needs, never below the lowest', () => {
  assert.equal(AbrController.initial(rungs, 800), '720p');
  assert.equal(AbrController.initial(rungs, 2000), '1080p');
  assert.equal(AbrController.initial(rungs, 100), '360p');
  assert.equal(AbrController.initial([{ name: 'only', height: 2160 }], 100), 'only');
});

test('drops a rung on a stall or heavy frame drops, not at the bottom', () => {
  const abr = new AbrController(rungs, 0);
  assert.equal(abr.decide('720p', { ...healthy, stalled: true }, 1000), '360p');
  assert.equal(abr.decide('720p', { ...healthy, dropped: 10, rendered: 20 }, 2000), '360p');
  assert.equal(abr.decide('360p', { ...healthy, stalled: true }, 3000), '360p');
  assert.equal(abr.decide('720p', { ...healthy, dropped: 1, rendered: 29 }, 4000), '720p');
});

test('steps up only when the measured capacity carries the higher rung with headroom', () => {
  const abr = new AbrController(rungs, 0);
  assert.equal(abr.decide('360p', { ...healthy, throughputBps: 3_000_000 }, 10_000), '360p');
  assert.equal(abr.decide('360p', { ...healthy, throughputBps: 4_000_000 }, 11_000), '720p');
  assert.equal(abr.decide('720p', { ...healthy, throughputBps: 9_000_000 }, 21_000), '1080p');
});

test('steps up after ten healthy seconds, and holds off a rung that just failed', () => {
  const abr = new AbrController(rungs, 0);
  assert.equal(abr.decide('360p', healthy, 5_000), '360p');
  assert.equal(abr.decide('360p', healthy, 10_000), '720p');
  assert.equal(abr.decide('720p', { ...healthy, stalled: true }, 11_000), '360p');
  assert.equal(abr.decide('360p', healthy, 25_000), '360p', '720p failed 14 s ago');
  assert.equal(abr.decide('360p', healthy, 42_000), '720p');
});
