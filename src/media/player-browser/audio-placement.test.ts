import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeAudio } from './audio-placement.js';

test('a buffer within 30 ms of the running schedule joins it gaplessly', () => {
  assert.equal(placeAudio(1.02, 1.0, 0.9), 'join');
  assert.equal(placeAudio(0.98, 1.0, 0.9), 'join');
});

test('the clock moving earlier while audio plays skips buffers instead of overlapping them', () => {
  // Due 40 ms before the scheduled audio ends, which is still ahead: skipping one 20 ms buffer
  // brings the next one 20 ms closer, and it joins.
  assert.equal(placeAudio(0.96, 1.0, 0.9), 'skip');
  assert.equal(placeAudio(0.98 - 0.001, 1.0, 0.9), 'join');
  // A jump far ahead (a backlog skipped): skipped until the scheduled audio has played out...
  assert.equal(placeAudio(0.95, 1.5, 0.9), 'skip');
  // ...then anchored at its due time.
  assert.equal(placeAudio(1.55, 1.5, 1.51), 'anchor');
});

test('the clock moving later re-anchors (a short pause); a buffer already due is dropped as late', () => {
  assert.equal(placeAudio(1.1, 1.0, 0.9), 'anchor');
  assert.equal(placeAudio(0.5, 0, 0.9), 'late', 'nothing playing, its time passed');
  assert.equal(placeAudio(0.95, 0.9, 0.96), 'late');
});
