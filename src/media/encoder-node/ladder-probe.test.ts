import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EncoderError } from './encoder-error.js';
import type { EncoderProgress } from './encoder-progress.js';
import { FFMPEG } from './encoder-test-kit.js';
import {
  describeLadderChoice,
  ladderCandidates,
  measureLadder,
  warmSpeed,
} from './ladder-probe.js';
import { DEFAULT_LADDER, parseLadder } from './rendition.js';

const names = (ladder: readonly { name: string }[]): string => ladder.map((r) => r.name).join(',');

test('candidates are the ladder and each of its tails, richest first', () => {
  assert.deepEqual(ladderCandidates(DEFAULT_LADDER).map(names), [
    '1080p,720p,360p',
    '720p,360p',
    '360p',
  ]);
});

test('the richest candidate that runs fast enough is kept, and the rest are not run', async () => {
  const choice = await measureLadder({
    ffmpegPath: FFMPEG,
    candidates: [parseLadder('360p,240p'), parseLadder('240p')],
    sampleMs: 800,
    minSpeed: 0.05,
  });
  assert.equal(names(choice.ladder), '360p,240p');
  assert.equal(choice.fits, true);
  assert.equal(choice.measurements.length, 1);
  const speed = choice.measurements[0]?.speed ?? 0;
  assert.ok(speed > 0.05 && speed < 100, `speed ${speed}`);
  assert.match(describeLadderChoice(choice), /^360p,240p \d+\.\d\d× → 360p,240p$/);
});

test('when nothing runs fast enough every candidate is measured and the smallest is kept', async () => {
  const choice = await measureLadder({
    ffmpegPath: FFMPEG,
    candidates: [parseLadder('360p,240p'), parseLadder('240p')],
    sampleMs: 600,
    minSpeed: 10_000,
  });
  assert.equal(names(choice.ladder), '240p');
  assert.equal(choice.fits, false);
  assert.deepEqual(
    choice.measurements.map((m) => names(m.ladder)),
    ['360p,240p', '240p'],
  );
  // The smaller ladder is the cheaper one to encode.
  const [rich, small] = choice.measurements.map((m) => m.speed);
  assert.ok((small ?? 0) > (rich ?? 0) * 0.8, `${small} vs ${rich}`);
  assert.match(describeLadderChoice(choice), /nothing ran in real time; the smallest/);
});

test('a measurement aborted mid-way rejects with ABORTED at once', async () => {
  const controller = new AbortController();
  const measuring = measureLadder({
    ffmpegPath: FFMPEG,
    candidates: [parseLadder('720p')],
    sampleMs: 10_000,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 300);
  const startedAt = Date.now();
  await assert.rejects(
    measuring,
    (error: unknown) => error instanceof EncoderError && error.code === 'ABORTED',
  );
  assert.ok(Date.now() - startedAt < 3_000);
});

test('a missing ffmpeg is FAILED_TO_START', async () => {
  await assert.rejects(
    measureLadder({ ffmpegPath: '/nonexistent/ffmpeg', candidates: [parseLadder('240p')] }),
    (error: unknown) => error instanceof EncoderError && error.code === 'FAILED_TO_START',
  );
});

test('warm speed leaves out the start: media time per wall time between frame reports', () => {
  const report = (at: number, frame: number, outTimeMs: number): EncoderProgress => ({
    frame,
    fps: 0,
    speed: 0.5,
    recentSpeed: 0.5,
    bitrateKbps: 0,
    dropFrames: 0,
    dupFrames: 0,
    outTimeMs,
    at,
  });
  const reports = [report(0, 0, 0), report(900, 5, 100), report(1900, 65, 2100)];
  assert.equal(warmSpeed(reports), 2);
  assert.equal(warmSpeed([report(0, 0, 0)]), 0);
});
