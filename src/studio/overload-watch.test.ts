import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverloadWatch } from './overload-watch.js';
import type { StudioStats } from './studio-api.js';

function sample(at: number, speed: number, state: StudioStats['state'] = 'live'): StudioStats {
  return {
    at,
    state,
    liveForMs: at,
    renditions: [
      {
        name: '1080p',
        role: 'video',
        targetBitrateBps: 6e6,
        bitrateBps: 6e6,
        fps: 24,
        groups: 1,
        bytes: 1,
        viewers: 0,
      },
    ],
    encoder: { fps: 24, speed, cpuPercent: 195 },
    dropped: { encoder: 0, network: null },
    cpuPercent: 5,
    viewers: 0,
    relay: { kind: 'embedded', egressBps: 0, rttMs: 0 },
    latencyMs: null,
    notes: [],
  };
}

describe('OverloadWatch', () => {
  it('warns after five slow seconds in a row, naming speed, CPU and the ladder', () => {
    const watch = new OverloadWatch();
    const warnings = [0.8, 0.8, 0.8, 0.8, 0.8].map((speed, i) =>
      watch.observe(sample(i * 1000, speed)),
    );
    assert.deepEqual(warnings.slice(0, 4), [undefined, undefined, undefined, undefined]);
    assert.equal(
      warnings[4],
      'encoding overloaded: ffmpeg runs at 0.80× real time using 195 % CPU for 5 s, so viewers ' +
        'fall behind — use fewer or smaller renditions than 1080p',
    );
    assert.equal(watch.observe(sample(6000, 0.8)), undefined, 'quiet for a minute');
    assert.match(watch.observe(sample(66_000, 0.8)) ?? '', /^encoding overloaded/);
  });

  it('a fast second, or not being live, resets the count', () => {
    const watch = new OverloadWatch();
    const speeds = [0.8, 0.8, 0.8, 0.8, 1.0, 0.8, 0.8, 0.8, 0.8];
    assert.ok(speeds.every((speed, i) => watch.observe(sample(i * 1000, speed)) === undefined));
    assert.equal(watch.observe(sample(9000, 0.8, 'reconnecting')), undefined);
    assert.equal(watch.observe(sample(10_000, 0.8)), undefined);
  });
});
