import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorText, formatBitrate, formatDuration } from './format.js';
import { fpsHealth, dropHealth } from './health.js';
import { targetFrameRates } from './ladder.js';

test('figures read as people expect', () => {
  assert.equal(formatBitrate(2_500_000), '2.50 Mb/s');
  assert.equal(formatBitrate(128_000), '128 kb/s');
  assert.equal(formatBitrate(null), '—');
  assert.equal(formatDuration(65_000), '01:05');
  assert.equal(formatDuration(3_725_000), '1:02:05');
});

test("an engine error reads as its message and hint, without Electron's IPC prefix", () => {
  const error = Object.assign(
    new Error("Error invoking remote method 'studio:go-live': StudioError: the name is taken"),
    { hint: 'choose another name' },
  );
  assert.equal(errorText(error), 'the name is taken — choose another name');
});

test('frame rate is red below 80 % of its target (OBS), drops above 5 %', () => {
  const targets = targetFrameRates('1080p60@6M, 720p, 360p30');
  assert.deepEqual(
    [...targets],
    [
      ['1080p', 60],
      ['720p', 30],
      ['360p', 30],
    ],
  );
  assert.equal(fpsHealth(23.9, 30), 'bad');
  assert.equal(fpsHealth(27, 30), 'warn');
  assert.equal(fpsHealth(30, 30), 'ok');
  assert.equal(dropHealth(6), 'bad');
  assert.equal(dropHealth(0.5), 'ok');
});
