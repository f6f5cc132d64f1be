import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbrController, type AbrSample } from './abr-controller.js';

const rungs = [
  { name: '360p', bitrate: 800_000, height: 360 },
  { name: '720p', bitrate: 2_500_000, height: 720 },
  { name: '1080p', bitrate: 5_000_000, height: 1080 },
];
const healthy: AbrSample = { dropped: 0, rendered: 30, stalled: false, bitrateBps: 2_500_000 };

/** Feeds one sample a second from `from` (ms) to `to`, returning the last decision. */
function run(abr: AbrController, current: string, sample: AbrSample, from: number, to: number) {
  let decision = current;
  for (let t = from; t <= to; t += 1000) decision = abr.decide(current, sample, t);
  return decision;
}

test('starts small (360p at most, less for a smaller screen), never below the lowest', () => {
  assert.equal(AbrController.initial(rungs, 800), '360p');
  assert.equal(AbrController.initial(rungs, 2000), '360p');
  assert.equal(AbrController.initial(rungs, 100), '360p');
  const low = [{ name: '240p', height: 240 }, ...rungs];
  assert.equal(AbrController.initial(low, 250), '240p');
  assert.equal(AbrController.initial([{ name: 'only', height: 2160 }], 100), 'only');
});

test('drops a rung on a stall or heavy drops over a few seconds, not at the bottom', () => {
  assert.equal(
    new AbrController(rungs, 0).decide('720p', { ...healthy, stalled: true }, 1000),
    '360p',
  );
  const heavy = { ...healthy, dropped: 10, rendered: 20 };
  assert.equal(new AbrController(rungs, 0).decide('720p', heavy, 1000), '360p');
  assert.equal(new AbrController(rungs, 0).decide('360p', heavy, 1000), '360p');
  const light = { ...healthy, dropped: 2, rendered: 28 };
  assert.equal(run(new AbrController(rungs, 0), '720p', light, 1000, 5000), '720p');
});

test('steps up after six seconds with few drops, and holds off a rung that just failed', () => {
  const abr = new AbrController(rungs, 0);
  assert.equal(run(abr, '360p', healthy, 1000, 5000), '360p');
  assert.equal(abr.decide('360p', healthy, 6000), '720p');
  assert.equal(abr.decide('720p', { ...healthy, stalled: true }, 7000), '360p');
  assert.equal(run(abr, '360p', healthy, 8000, 26_000), '360p', '720p failed under 20 s ago');
  assert.equal(abr.decide('360p', healthy, 28_000), '720p');
});

test('a noisy stretch (over 10 % drops) does not step up', () => {
  const noisy = { ...healthy, dropped: 4, rendered: 26 };
  assert.equal(run(new AbrController(rungs, 0), '360p', noisy, 1000, 20_000), '360p');
});

test('steps up only when the measured capacity carries the higher rung with headroom', () => {
  const slow = { ...healthy, throughputBps: 3_000_000 };
  assert.equal(run(new AbrController(rungs, 0), '360p', slow, 1000, 20_000), '360p');
  const fast = { ...healthy, throughputBps: 4_000_000 };
  assert.equal(run(new AbrController(rungs, 0), '360p', fast, 1000, 6000), '720p');
});

test('a rung the device could not decode in real time (a skip) is left and not tried again for minutes', () => {
  const abr = new AbrController(rungs, 0);
  assert.equal(abr.decide('1080p', { ...healthy, skipped: true }, 1000), '720p');
  const fast = { ...healthy, throughputBps: 50_000_000 };
  assert.equal(run(abr, '720p', fast, 2000, 290_000), '720p', 'not back to 1080p for minutes');
  assert.equal(abr.decide('720p', fast, 302_000), '1080p', 'tried again after five minutes');
});

test('media arriving slower than it plays steps down, once the switch has settled', () => {
  const abr = new AbrController(
    [
      { name: 'lo', bitrate: 500_000 },
      { name: 'hi', bitrate: 2_000_000 },
    ],
    0,
  );
  const slow = {
    dropped: 0,
    rendered: 30,
    stalled: false,
    bitrateBps: 900_000,
    arrivalSpeed: 0.45,
  };
  assert.equal(abr.decide('hi', slow, 1000), 'hi', 'too soon after the start to judge');
  assert.equal(abr.decide('hi', slow, 4000), 'lo');
  assert.equal(abr.decide('hi', { ...slow, arrivalSpeed: 1 }, 5000), 'hi');
});

test('does not step up to a rung whose pixels would keep the decoder too busy', () => {
  const busy = { ...healthy, decodeLoad: 0.3 }; // 720p has 4× the pixels of 360p: 1.2
  assert.equal(run(new AbrController(rungs, 0), '360p', busy, 1000, 20_000), '360p');
  const idle = { ...healthy, decodeLoad: 0.1 }; // 0.4 predicted at 720p
  assert.equal(run(new AbrController(rungs, 0), '360p', idle, 1000, 6000), '720p');
});
