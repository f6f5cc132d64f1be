import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer, type PathWindow } from './pacer.js';

const PACKET = 1350;
/** quiche's RTT arrives in whole milliseconds, rounded down; the pacer takes the middle one. */
const RTT_MS = 50;
const RTT_TAKEN_MS = RTT_MS + 0.5;

/** A pacer over a fixed window; `window.cwndBytes` / `rttMs` may be changed between calls. */
function pacerOver(
  window: PathWindow | undefined,
  gain = 1,
): { pacer: Pacer; reads: () => number } {
  let reads = 0;
  const pacer = new Pacer(
    () => {
      reads++;
      return window;
    },
    { gain, minBurstBytes: 10 * PACKET, burstMs: 2 },
  );
  return { pacer, reads: () => reads };
}

/** Sends packets while the pacer allows, as a connection's flush does; returns how many left. */
function flush(pacer: Pacer, nowMs: number, wanted = 1000): number {
  let allowance = pacer.allowance(nowMs);
  let sent = 0;
  while (sent < wanted && allowance > 0) {
    pacer.spend(PACKET);
    allowance -= PACKET;
    sent++;
  }
  return sent;
}

test('before quiche has an RTT sample nothing is held back', () => {
  const { pacer } = pacerOver(undefined);
  assert.equal(pacer.rateBytesPerMs, Infinity);
  assert.equal(flush(pacer, 0), 1000);
  assert.equal(flush(pacer, 0), 1000);
});

test('a window leaves at gain × cwnd / RTT: 10 packets at once, then the rest over the round trip', () => {
  // 100 packets per 50.5 ms at gain 1: ≈ 2 packets per millisecond.
  const { pacer } = pacerOver({
    cwndBytes: 100 * PACKET,
    rttMs: RTT_MS,
    deliveryRateBytesPerSec: 0,
  });
  assert.equal(flush(pacer, 0), 10, 'the bucket starts full: the minimum burst');
  assert.equal(pacer.rateBytesPerMs, (100 * PACKET) / RTT_TAKEN_MS);
  const waitMs = pacer.holdMs();
  assert.ok(waitMs >= 1 && waitMs <= 2, `held for ${waitMs} ms`);
  let sent = 10;
  for (let nowMs = 1; nowMs <= 45; nowMs++) sent += flush(pacer, nowMs);
  // 45 ms at ≈ 2 packets a millisecond, after the first 10.
  assert.ok(sent >= 97 && sent <= 101, `sent ${sent} packets in 45 ms`);
});

test('an idle connection gets a bounded burst, not the credit of its whole idle time', () => {
  const { pacer } = pacerOver({
    cwndBytes: 100 * PACKET,
    rttMs: RTT_MS,
    deliveryRateBytesPerSec: 0,
  });
  flush(pacer, 0);
  // 10 s idle at 2 packets per ms would be 20,000 packets; the bucket holds 10 (2 ms = 4 < 10).
  assert.equal(flush(pacer, 10_000), 10);
});

test('after a hold, a timer that fires late is credited for the whole wait (the average rate holds)', () => {
  const { pacer } = pacerOver({
    cwndBytes: 100 * PACKET,
    rttMs: RTT_MS,
    deliveryRateBytesPerSec: 0,
  });
  flush(pacer, 0);
  pacer.holdMs();
  // The hold timer fired 15 ms late (a busy event loop): ≈ 2 packets a ms are owed, not 10 at most.
  const sent = flush(pacer, 16);
  assert.ok(sent >= 30 && sent <= 33, `sent ${sent} after a 16 ms wait`);
  assert.equal(pacer.holds, 1);
});

test('the rate follows the window, read again only after a while', () => {
  const window = { cwndBytes: 100 * PACKET, rttMs: RTT_MS, deliveryRateBytesPerSec: 0 };
  const { pacer, reads } = pacerOver(window, 1.25);
  pacer.allowance(0);
  assert.equal(pacer.rateBytesPerMs, (1.25 * 100 * PACKET) / RTT_TAKEN_MS);
  window.cwndBytes = 400 * PACKET;
  flush(pacer, 10);
  assert.equal(reads(), 1, 'a read 10 ms later reuses the rate');
  flush(pacer, 29);
  pacer.allowance(30);
  assert.equal(reads(), 2);
  assert.equal(pacer.rateBytesPerMs, (1.25 * 400 * PACKET) / RTT_TAKEN_MS);
});

test('a bucket that refills to its depth reads no rate: a connection sending only ACKs costs no reads', () => {
  const window = { cwndBytes: 100 * PACKET, rttMs: RTT_MS, deliveryRateBytesPerSec: 0 };
  const { pacer, reads } = pacerOver(window);
  pacer.allowance(0);
  for (let nowMs = 30; nowMs <= 1000; nowMs += 30) {
    pacer.spend(60);
    pacer.allowance(nowMs);
  }
  assert.equal(reads(), 1);
  window.cwndBytes = 200 * PACKET;
  assert.equal(flush(pacer, 1030), 10, 'a full bucket lets its burst out at the rate in use');
  pacer.allowance(1031);
  assert.equal(reads(), 2, 'drained, the rate is read again once it is stale');
  assert.equal(pacer.rateBytesPerMs, (200 * PACKET) / RTT_TAKEN_MS);
});

test('a gain below 1 is taken as 1: a window always leaves within its round trip', () => {
  const { pacer } = pacerOver(
    { cwndBytes: 100 * PACKET, rttMs: RTT_MS, deliveryRateBytesPerSec: 0 },
    0.5,
  );
  pacer.allowance(0);
  assert.equal(pacer.rateBytesPerMs, (100 * PACKET) / RTT_TAKEN_MS);
});

test('a window without a congestion window keeps the last rate; a hold never lasts past 20 ms', () => {
  const window = { cwndBytes: 10 * PACKET, rttMs: 999, deliveryRateBytesPerSec: 0 };
  const { pacer } = pacerOver(window);
  assert.equal(flush(pacer, 0), 10);
  assert.equal(pacer.holdMs(), 1, 'the bucket is empty: one byte owed');
  assert.equal(flush(pacer, 1), 1, 'any credit lets one packet out');
  assert.equal(pacer.holdMs(), 20, '1,336 bytes owed at 13.5 bytes per ms would be 99 ms');
  window.cwndBytes = 0;
  pacer.allowance(100);
  assert.equal(pacer.rateBytesPerMs, (10 * PACKET) / 999.5);
});

test('an RTT under a millisecond (read as 0) is a fast path, not a missing sample', () => {
  // quiche's RTT reaches JavaScript rounded down to whole ms: on loopback it reads 0. Taken as
  // "no sample", the rate froze at whatever a loaded handshake left (a 3 MB transfer took 25 s).
  const window = { cwndBytes: 10 * PACKET, rttMs: 400, deliveryRateBytesPerSec: 0 };
  const { pacer } = pacerOver(window);
  pacer.allowance(0);
  assert.ok(pacer.rateBytesPerMs < 40, `handshake rate ${pacer.rateBytesPerMs} bytes per ms`);
  window.rttMs = 0;
  window.cwndBytes = 20 * PACKET;
  flush(pacer, 0);
  pacer.allowance(30);
  assert.equal(pacer.rateBytesPerMs, (20 * PACKET) / 0.5);
});

test('the rate never spirals down: what was delivered at the paced rate lets it grow', () => {
  // A controller whose window is tiny against a stretched RTT (BBR on a loaded host: a window of
  // minimum RTT, a smoothed RTT of queueing) and whose delivery samples are what the pacer let out.
  const window = { cwndBytes: 4 * PACKET, rttMs: 20, deliveryRateBytesPerSec: 1_000_000 };
  const { pacer } = pacerOver(window);
  let nowMs = 0;
  for (let round = 0; round < 10; round++) {
    nowMs += 30;
    flush(pacer, nowMs);
    pacer.holdMs();
    window.deliveryRateBytesPerSec = pacer.rateBytesPerMs * 1000;
  }
  assert.ok(pacer.rateBytesPerMs > 1000 * 1.25 ** 9, `${pacer.rateBytesPerMs} bytes per ms`);
});

test('the delivery rate lifts a rate that an RTT stretched by the handshake keeps low', () => {
  // 10 packets over a 25 ms handshake RTT is ≈ 530 bytes per ms; the path delivered 5,400.
  const window = { cwndBytes: 10 * PACKET, rttMs: 25, deliveryRateBytesPerSec: 5_400_000 };
  const { pacer } = pacerOver(window);
  pacer.allowance(0);
  assert.equal(pacer.rateBytesPerMs, 1.25 * 5400, 'with room above it to grow');
});

test('while data waits, the rate is read again after 2 ms instead of 25 (slow start moves fast)', () => {
  const window = { cwndBytes: 20 * PACKET, rttMs: 10, deliveryRateBytesPerSec: 0 };
  const { pacer, reads } = pacerOver(window);
  assert.equal(flush(pacer, 0), 10);
  pacer.holdMs();
  window.cwndBytes = 80 * PACKET;
  pacer.allowance(3);
  assert.equal(reads(), 2);
  assert.equal(pacer.rateBytesPerMs, (80 * PACKET) / 10.5);
});
