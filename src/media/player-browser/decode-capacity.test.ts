import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeCapacity } from './decode-capacity.js';

const calm = { dropped: 0, rendered: 30, skipped: false, stalled: false };

test('a skip ahead caps the offer below the rendition that caused it, for minutes', () => {
  const capacity = new DecodeCapacity();
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 0), false, 'the join is let off');
  assert.equal(capacity.limit(0), undefined);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 6000), true);
  assert.equal(capacity.limit(7000), 1);
  assert.equal(capacity.limit(6000 + 299_000), 1);
  assert.equal(capacity.limit(6000 + 300_000), undefined, 'lifted after its hold');
});

test('many drops cap for half a minute; failing again holds twice as long', () => {
  const capacity = new DecodeCapacity();
  const dropping = { dropped: 25, rendered: 5, skipped: false, stalled: false };
  capacity.observe(1, calm, -10_000);
  assert.equal(capacity.observe(1, dropping, 0), true);
  assert.equal(capacity.limit(29_000), 0);
  assert.equal(capacity.limit(30_000), undefined);
  assert.equal(capacity.observe(1, dropping, 40_000), true);
  assert.equal(capacity.limit(40_000 + 59_000), 0);
  assert.equal(capacity.limit(40_000 + 60_000), undefined);
});

test('drops and skips during and just after a network stall say nothing about the decoder', () => {
  const capacity = new DecodeCapacity();
  const stalled = { dropped: 20, rendered: 5, skipped: false, stalled: true };
  assert.equal(capacity.observe(2, stalled, 0), false);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 4000), false, 'catching up');
  assert.equal(capacity.limit(4000), undefined);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 6000), true, 'then it counts');
});

test('the lowest rendition is never capped', () => {
  const capacity = new DecodeCapacity();
  assert.equal(capacity.observe(0, { ...calm, skipped: true }, 0), false);
  assert.equal(capacity.limit(0), undefined);
});
