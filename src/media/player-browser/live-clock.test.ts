import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveClock } from './live-clock.js';

test('nothing is due before the first arrival', () => {
  const clock = new LiveClock();
  assert.equal(clock.nowMs(0), undefined);
  assert.equal(clock.dueAt(0, 0), undefined);
});

test('a frame is due its jitter margin after the freshest arrival would have it', () => {
  const clock = new LiveClock();
  clock.observe(1000, 5000); // lag 4000
  assert.equal(clock.dueAt(1000, 5000), 5000 + clock.jitterMs);
  assert.equal(clock.nowMs(5000 + clock.jitterMs), 1000);
});

test('a join into a cached group skips to live when fresher frames arrive', () => {
  const clock = new LiveClock();
  clock.observe(0, 10_000); // the group's first frame, 1 s old: lag 10 000
  assert.equal(clock.dueAt(0, 10_000), 10_000 + clock.jitterMs);
  clock.observe(1000, 10_010); // the live edge: lag 9010, a second fresher
  assert.equal(clock.dueAt(1000, 10_010), 10_010 + clock.jitterMs);
});

test('small improvements glide (no skip); later arrivals push the clock back at once', () => {
  const clock = new LiveClock();
  clock.observe(0, 1000);
  const start = clock.dueAt(0, 1000) as number;
  clock.observe(1000, 1900); // 100 ms fresher than before
  const glided = clock.dueAt(0, 2000) as number;
  assert.ok(glided < start && glided > start - 100, `moved ${start - glided} ms, not all 100`);
  clock.outputLatencyMs = 50; // audio needs 50 ms more: applied at once
  assert.equal(clock.dueAt(0, 2000), 900 + clock.jitterMs + 50);
});

test('late frames widen the jitter margin, at most one step per burst', () => {
  const clock = new LiveClock();
  const before = clock.jitterMs;
  clock.late(1000);
  clock.late(1010);
  assert.equal(clock.jitterMs, before + 15);
  clock.late(1300);
  assert.equal(clock.jitterMs, before + 30);
});

test('the clock follows the track that arrives latest, so each one is on time', () => {
  const clock = new LiveClock();
  clock.observe(1000, 1020, 'audio'); // audio: lag 20
  clock.observe(1000, 1080, 'video'); // video trails by its encoding delay: lag 80
  assert.equal(clock.dueAt(1000, 1080), 1080 + clock.jitterMs);
});

test('a track gone quiet stops holding the clock back', () => {
  const clock = new LiveClock();
  clock.observe(0, 500, 'video'); // lag 500
  clock.observe(0, 100, 'audio'); // lag 100
  for (let t = 1000; t <= 5000; t += 100) clock.observe(t, t + 100, 'audio');
  assert.equal(clock.dueAt(5000, 5100), 5100 + clock.jitterMs);
});
