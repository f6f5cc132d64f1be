import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EncoderError } from './encoder-error.js';
import { DEFAULT_LADDER, fitLadder, parseLadder } from './rendition.js';

test('the default ladder is 1080p30 4.5M, 720p30 2.5M, 360p30 0.8M at 16:9', () => {
  assert.deepEqual(
    DEFAULT_LADDER.map((r) => [r.name, r.width, r.height, r.framerate, r.bitrateBps]),
    [
      ['1080p', 1920, 1080, 30, 4_500_000],
      ['720p', 1280, 720, 30, 2_500_000],
      ['360p', 640, 360, 30, 800_000],
    ],
  );
});

test('parseLadder reads known heights, frame rates and bitrate overrides', () => {
  assert.deepEqual(parseLadder('1080p,720p,360p'), [...DEFAULT_LADDER]);
  const [a, b, c, d] = parseLadder(' 1440p, 480p ,240p@300k,720p60@1.5M');
  assert.deepEqual([a?.name, a?.width, a?.bitrateBps], ['1440p', 2560, 9_000_000]);
  assert.deepEqual([b?.name, b?.width], ['480p', 854]);
  assert.deepEqual([c?.name, c?.bitrateBps], ['240p', 300_000]);
  assert.deepEqual([d?.name, d?.framerate, d?.bitrateBps], ['720p60', 60, 1_500_000]);
});

test('parseLadder rejects unknown rungs, bad numbers, duplicates and empty ladders', () => {
  for (const bad of [
    '',
    '1081p',
    '720',
    'hd',
    '720p@',
    '720p@1G',
    '720p@10',
    '720p0',
    '720p,720p',
  ]) {
    assert.throws(
      () => parseLadder(bad),
      (e: unknown) => e instanceof EncoderError && e.code === 'BAD_LADDER',
      bad,
    );
  }
});

test('fitLadder drops rungs taller than a 640x360 source', () => {
  const fitted = fitLadder(DEFAULT_LADDER, 640, 360);
  assert.deepEqual(
    fitted.map((r) => [r.name, r.width, r.height]),
    [['360p', 640, 360]],
  );
});

test('fitLadder keeps the source aspect ratio with even widths, and caps the frame rate', () => {
  const fitted = fitLadder(parseLadder('720p,360p'), 1440, 1080, 25);
  assert.deepEqual(
    fitted.map((r) => [r.name, r.width, r.height, r.framerate]),
    [
      ['720p', 960, 720, 25],
      ['360p', 480, 360, 25],
    ],
  );
  const portrait = fitLadder(parseLadder('360p'), 1080, 1920);
  assert.equal(portrait[0]?.width, 202);
  assert.equal((portrait[0]?.width ?? 1) % 2, 0);
});

test('fitLadder keeps one rung at the source size when every rung is too tall', () => {
  const fitted = fitLadder(DEFAULT_LADDER, 320, 181);
  assert.equal(fitted.length, 1);
  assert.deepEqual([fitted[0]?.width, fitted[0]?.height, fitted[0]?.name], [318, 180, '180p']);
  assert.ok((fitted[0]?.bitrateBps ?? 0) <= 800_000);
  assert.ok((fitted[0]?.bitrateBps ?? 0) > 0);
});
