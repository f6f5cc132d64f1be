import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StudioStats } from '../../studio/studio-api.js';
import { deltas, HISTORY_LENGTH, latest, pushSample, renditionSeries } from './stats-history.js';

function sample(at: number, bitrates: Record<string, number>): StudioStats {
  return {
    at,
    state: 'live',
    liveForMs: at,
    renditions: Object.entries(bitrates).map(([name, bitrateBps]) => ({
      name,
      role: 'video',
      targetBitrateBps: 0,
      bitrateBps,
      fps: 30,
      groups: 0,
      bytes: 0,
      viewers: 0,
    })),
    encoder: null,
    dropped: { encoder: 0, network: null },
    cpuPercent: 0,
    viewers: 0,
    relay: { kind: 'embedded', egressBps: 0, rttMs: null },
    viewerQuality: null,
    latencyMs: null,
    ladderDropped: [],
    notes: [],
  };
}

test('the history keeps the newest minute', () => {
  let history: StudioStats[] = [];
  for (let i = 0; i < HISTORY_LENGTH + 5; i++) history = pushSample(history, sample(i, {}));
  assert.equal(history.length, HISTORY_LENGTH);
  assert.equal(history[0]?.at, 5);
  assert.equal(history.at(-1)?.at, HISTORY_LENGTH + 4);
});

test('a rendition absent from a sample is a gap, not a zero', () => {
  const history = [sample(0, { '720p': 1 }), sample(1, {}), sample(2, { '720p': 3 })];
  assert.deepEqual(
    renditionSeries(history, '720p', (r) => r.bitrateBps),
    [1, null, 3],
  );
  assert.equal(latest([1, 2, null]), 2);
  assert.equal(latest([null]), null);
});

test('a running counter becomes per-sample increases; gaps stay gaps', () => {
  assert.deepEqual(deltas([0, 2, 5, null, 7, 7]), [null, 2, 3, null, null, 0]);
});
