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

test('past the join, small improvements glide (no skip); later arrivals push the clock back at once', () => {
  const clock = new LiveClock();
  clock.observe(0, 1000);
  clock.observe(3000, 4000); // past the join's first 2 s, same lag
  const start = clock.dueAt(3000, 4000) as number;
  clock.observe(4000, 4900); // 100 ms fresher than before
  const glided = clock.dueAt(3000, 5000) as number;
  assert.ok(glided < start && glided > start - 100, `moved ${start - glided} ms, not all 100`);
  clock.outputLatencyMs = 50; // audio needs 50 ms more: applied at once
  assert.equal(clock.dueAt(3000, 5000), 3900 + clock.jitterMs + 50);
});

test("in a join's first seconds the clock follows its cached burst to live at once", () => {
  const clock = new LiveClock();
  // The cached group: its keyframe 200 ms old, then frames each fresher than the last.
  clock.observe(0, 1000);
  const first = clock.dueAt(0, 1000) as number;
  for (let pts = 33; pts <= 198; pts += 33) clock.observe(pts, 1000 + pts / 10);
  clock.observe(231, 1040); // the live edge: lag 809, 191 ms fresher than the keyframe
  assert.equal(clock.dueAt(0, 1040), 809 + clock.jitterMs, 'live at once, no glide');
  assert.ok(first - (clock.dueAt(0, 1040) as number) === 191);
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

test("frames late in a join's first 2 s (its cached burst) leave the margin as it is", () => {
  const clock = new LiveClock();
  clock.observe(0, 10_000);
  const before = clock.jitterMs;
  clock.late(10_100);
  clock.late(11_900);
  assert.equal(clock.jitterMs, before);
  clock.late(12_100); // past the join: late is late
  assert.equal(clock.jitterMs, before + 15);
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

test('the margin follows measured jitter: small on a steady feed, wide on a jittery one', () => {
  const steady = new LiveClock();
  const jittery = new LiveClock();
  for (let i = 0; i < 150; i++) {
    const pts = i * 33;
    // Steady: every frame 40 ms after its pts, ready 3 ms later.
    steady.observe(pts, pts + 40);
    steady.ready(pts, pts + 43);
    // Jittery: most frames 40 ms after pts, every 10th 60 ms later (a keyframe, a burst).
    const arrival = pts + 40 + (i % 10 === 0 ? 60 : 0);
    jittery.observe(pts, arrival);
    jittery.ready(pts, arrival + 3);
  }
  assert.equal(steady.jitterMs, 30, 'the floor: a steady feed needs no more');
  assert.ok(jittery.jitterMs >= 63 && jittery.jitterMs <= 80, `jittery ${jittery.jitterMs} ms`);
  // Due times follow: the jittery feed's frames wait longer, so its late ones are on time.
  const t = 149 * 33;
  const steadyDue = steady.dueAt(t, t + 43) as number;
  const jitteryDue = jittery.dueAt(t, t + 43) as number;
  assert.ok(jitteryDue - steadyDue >= 30, `${jitteryDue - steadyDue} ms apart`);
});

/** Frames every 33 ms from `fromPts` for `count` frames: arriving 40 ms after pts, ready `readyMs` later. */
function feed(clock: LiveClock, fromPts: number, count: number, readyMs = 2): void {
  for (let i = 0; i < count; i++) {
    const pts = fromPts + i * 33;
    clock.observe(pts, pts + 40);
    clock.ready(pts, pts + 40 + readyMs);
    clock.nowMs(pts + 40 + readyMs);
  }
}

test("a join's cached burst and a later backlog (far behind the live edge) do not widen the margin", () => {
  const clock = new LiveClock();
  clock.observe(3000, 3040); // the live edge: lag 40
  // The join: the cached group's frames, decoded in a burst right now (up to 250 ms behind).
  for (let i = 0; i < 30; i++) clock.ready(2750 + i * 8, 3050);
  feed(clock, 3033, 120);
  assert.equal(clock.jitterMs, 30, 'after the join');
  // A queue the network flushed at once: frames 400+ ms behind are skipped, not waited for.
  const at = 3033 + 120 * 33;
  for (let i = 0; i < 30; i++) clock.ready(at - 1000 + i * 10, at + 40);
  assert.equal(clock.jitterMs, 30, 'after a backlog');
});

test('a late frame bumps the measured margin at once; the bump fades once frames are on time', () => {
  const clock = new LiveClock();
  feed(clock, 0, 120, 35); // decoding takes 35 ms: a 40 ms margin
  const measured = clock.jitterMs;
  assert.equal(measured, 40);
  const at = 120 * 33 + 60;
  clock.late(at);
  assert.equal(clock.jitterMs, measured + 15);
  clock.late(at + 10); // the same burst
  assert.equal(clock.jitterMs, measured + 15);
  // On time again: 3 s later the bump starts fading, and is gone 1.5 s after that.
  feed(clock, 120 * 33, 150, 35);
  assert.equal(clock.jitterMs, measured);
});

test('the margin rises at once but falls slowly once the jitter is gone (no jump forward)', () => {
  const clock = new LiveClock();
  for (let i = 0; i < 150; i++) {
    const pts = i * 33;
    const arrival = pts + 40 + (i % 10 === 0 ? 60 : 0);
    clock.observe(pts, arrival);
    clock.ready(pts, arrival + 3);
  }
  const wide = clock.jitterMs;
  assert.ok(wide >= 63, `jittery margin ${wide} ms`);
  feed(clock, 150 * 33, 150); // 5 s steady: the spikes leave the window
  const after = clock.jitterMs;
  assert.ok(after < wide && after >= wide - 30, `fell from ${wide} to ${after} ms over 5 s`);
});

/**
 * Steady frames from `fromPts` for `seconds`, then (if `stallMs`) the page's main thread held
 * for `stallMs`: every frame in it arrives and is ready at its end, and the late ones say so.
 * Returns the pts after the last frame.
 */
function stall(clock: LiveClock, fromPts: number, stallMs: number): number {
  const end = fromPts + stallMs;
  for (let pts = fromPts; pts < end; pts += 33) {
    clock.observe(pts, end + 40);
    clock.ready(pts, end + 42);
    clock.late(end + 42);
    clock.nowMs(end + 42);
  }
  return end;
}

/** Feeds steady frames until the margin is back to `withinMs` of the floor; returns how long. */
function recoveryMs(clock: LiveClock, fromPts: number, withinMs: number): number {
  let pts = fromPts;
  while (clock.jitterMs > 30 + withinMs && pts - fromPts < 120_000) {
    feed(clock, pts, 30);
    pts += 30 * 33;
  }
  return pts - fromPts;
}

test('one stall after the join widens the margin; steady frames give it back within 15 s', () => {
  const clock = new LiveClock();
  feed(clock, 0, 120); // 4 s steady: past the join, a 30 ms margin
  assert.equal(clock.jitterMs, 30);
  // The page held for 400 ms: its frames weigh heavily in a window that holds 2 s of them yet.
  const after = stall(clock, 120 * 33, 400);
  feed(clock, after, 3);
  const widened = clock.jitterMs;
  assert.ok(widened >= 150, `the stall widened the margin to ${widened} ms`);
  feed(clock, after + 99, 60);
  assert.ok(clock.jitterMs >= 100, `let go gradually: ${clock.jitterMs} ms 2 s later`);
  // With a constant 5 ms/s fall (and 10 ms/s bump fade) this took 29 s.
  const tookMs = recoveryMs(clock, after + 99 + 60 * 33, 5) + 60 * 33;
  assert.ok(tookMs <= 15_000, `back to the floor after ${tookMs} ms`);
});

test('a stall that comes back every 6 s finds the margin still there', () => {
  const clock = new LiveClock();
  feed(clock, 0, 300);
  let pts = 300 * 33;
  for (let round = 0; round < 6; round++) {
    pts = stall(clock, pts, 400);
    feed(clock, pts, 3);
    pts += 99;
    const peak = clock.jitterMs;
    let lowest = peak;
    for (let i = 0; i < 6; i++) {
      feed(clock, pts, 30); // 6 s: its last second with the stall out of the window
      pts += 30 * 33;
      lowest = Math.min(lowest, clock.jitterMs);
    }
    if (round < 2) continue; // the window filling up
    assert.ok(peak >= 50, `round ${round}: the stall widened the margin to ${peak} ms`);
    assert.ok(lowest >= peak - 25, `round ${round}: fell from ${peak} to ${lowest} ms`);
  }
});
