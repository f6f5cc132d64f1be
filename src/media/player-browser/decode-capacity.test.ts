import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeCapacity } from './decode-capacity.js';

const calm = { dropped: 0, rendered: 30, skipped: false, stalled: false };
const LADDER = [
  { name: '360p', height: 360 },
  { name: '720p', height: 720 },
  { name: '1080p', height: 1080 },
];

/** A capacity that starts with every rung in reach (the failure rules alone). */
function reaching(): DecodeCapacity {
  const capacity = new DecodeCapacity();
  capacity.setRungs(LADDER, 2);
  return capacity;
}

test('a skip ahead caps the offer below the rendition that caused it, for minutes', () => {
  const capacity = reaching();
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 0), false, 'the join is let off');
  assert.equal(capacity.limit(0), undefined);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 6000), true);
  assert.equal(capacity.limit(7000), 1);
  assert.equal(capacity.limit(6000 + 299_000), 1);
  assert.equal(capacity.limit(6000 + 300_000), undefined, 'lifted after its hold');
});

test('many drops cap for half a minute; failing again holds twice as long', () => {
  const capacity = reaching();
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
  const capacity = reaching();
  const stalled = { dropped: 20, rendered: 5, skipped: false, stalled: true };
  assert.equal(capacity.observe(2, stalled, 0), false);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 4000), false, 'catching up');
  assert.equal(capacity.limit(4000), undefined);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 6000), true, 'then it counts');
});

test('the lowest rendition is never capped', () => {
  const capacity = reaching();
  assert.equal(capacity.observe(0, { ...calm, skipped: true }, 0), false);
  assert.equal(capacity.limit(0), undefined);
});

test('the offer starts one rung above the start and widens as far as the measured decoder load allows', () => {
  const capacity = new DecodeCapacity();
  capacity.setRungs(LADDER, 0);
  assert.equal(capacity.limit(0), 1, '360p and 720p before anything is measured');
  // 720p keeps the decoder 40 % busy: 1080p (2.25× the pixels) would need 90 %.
  assert.equal(capacity.observe(1, { ...calm, decodeLoad: 0.4 }, 0), false);
  assert.equal(capacity.observe(1, { ...calm, decodeLoad: 0.4 }, 1000), false);
  assert.equal(capacity.limit(1000), 1);
  // At 20 % it fits (45 %), after two samples in a row.
  assert.equal(capacity.observe(1, { ...calm, decodeLoad: 0.2 }, 2000), false, 'one is not enough');
  assert.equal(capacity.observe(1, { ...calm, decodeLoad: 0.2 }, 3000), true);
  assert.equal(capacity.limit(3000), undefined, 'every rung offered');
});

test('a stall or an unmeasured load widens nothing; from 360p a light load reaches the top at once', () => {
  const capacity = new DecodeCapacity();
  capacity.setRungs(LADDER, 0);
  capacity.observe(0, { ...calm, decodeLoad: 0.05 }, 0);
  assert.equal(capacity.observe(0, { ...calm, stalled: true, decodeLoad: 0.05 }, 1000), false);
  assert.equal(capacity.observe(0, calm, 2000), false);
  capacity.observe(0, { ...calm, decodeLoad: 0.05 }, 3000);
  assert.equal(capacity.observe(0, { ...calm, decodeLoad: 0.05 }, 4000), true);
  assert.equal(capacity.limit(4000), undefined, 'every rung offered');
});

test('without sizes in the catalog nothing can be predicted: every rung is offered', () => {
  const capacity = new DecodeCapacity();
  capacity.setRungs([{ name: 'a' }, { name: 'b' }], 0);
  assert.equal(capacity.limit(0), undefined);
});

test('skips that keep coming count even when each looks like a stall (the decoder is short)', () => {
  const capacity = reaching();
  const skippedStall = { ...calm, skipped: true, stalled: true };
  assert.equal(capacity.observe(2, skippedStall, 10_000), false, 'one skip in a stall: excused');
  assert.equal(capacity.observe(2, skippedStall, 14_000), true, 'a second within 15 s: too heavy');
  assert.equal(capacity.limit(14_000), 1);
  const other = reaching();
  other.observe(2, skippedStall, 10_000);
  assert.equal(other.observe(2, skippedStall, 30_000), false, 'far apart: still excused');
});

test("the join's grace excuses the rendition it joined at, not a taller one the relay moves to", () => {
  const capacity = new DecodeCapacity();
  capacity.setRungs(LADDER, 0);
  const dropping = { dropped: 20, rendered: 10, skipped: false, stalled: false };
  assert.equal(capacity.observe(0, calm, 0), false, 'joined at 360p');
  assert.equal(capacity.observe(1, calm, 1000), false, 'the relay moved to 720p');
  assert.equal(capacity.observe(1, dropping, 2000), true, 'judged within the join grace');
  assert.equal(capacity.limit(2000), 0);
});

test("drops right after the relay steps down are the network's, not the decoder's", () => {
  const capacity = reaching();
  const dropping = { dropped: 20, rendered: 10, skipped: false, stalled: false };
  capacity.observe(2, calm, -20_000);
  capacity.observe(2, calm, -10_000);
  assert.equal(capacity.observe(1, dropping, 0), false, 'the step down second');
  assert.equal(capacity.observe(1, dropping, 1000), false, 'the catch-up after it');
  assert.equal(capacity.limit(1000), undefined);
});

test('drops at the previous rendition do not count against the next one', () => {
  const capacity = reaching();
  const dropping = { dropped: 20, rendered: 10, skipped: false, stalled: false };
  capacity.observe(2, calm, -10_000);
  capacity.observe(2, { ...dropping, dropped: 5, rendered: 25 }, 0);
  capacity.observe(2, { ...dropping, dropped: 5, rendered: 25 }, 1000);
  // 1080p was borderline (17 % dropped); at 720p one clean second says nothing is wrong.
  assert.equal(capacity.observe(1, calm, 2000), false);
  assert.equal(capacity.limit(2000), undefined);
});

test('a skip just after a step up holds like drops (half a minute, doubling)', () => {
  const capacity = reaching();
  capacity.observe(1, calm, -20_000);
  capacity.observe(1, calm, -10_000);
  assert.equal(capacity.observe(2, calm, -1000), false, 'the relay stepped up to 1080p');
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 0), true);
  assert.equal(capacity.limit(29_000), 1);
  assert.equal(capacity.limit(30_000), undefined, 'retried after half a minute');
  capacity.observe(1, calm, 31_000); // the capped step down counts as a stall: 5 s of grace
  capacity.observe(2, calm, 37_000);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 38_000), true, 'too slow again');
  assert.equal(capacity.limit(38_000 + 59_000), 1, 'held twice as long');
  assert.equal(capacity.limit(38_000 + 60_000), undefined);
});

test('a skip at a rendition played for a while holds for minutes, step up or not', () => {
  const capacity = reaching();
  capacity.observe(1, calm, -20_000);
  capacity.observe(1, calm, -10_000);
  for (let t = 0; t <= 6000; t += 1000) capacity.observe(2, calm, t);
  assert.equal(capacity.observe(2, { ...calm, skipped: true }, 7000), true);
  assert.equal(capacity.limit(7000 + 299_000), 1);
});
