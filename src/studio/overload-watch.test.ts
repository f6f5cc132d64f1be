import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverloadWatch, describeOverload } from './overload-watch.js';
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
    viewerQuality: null,
    latencyMs: null,
    ladderDropped: [],
    notes: [],
  };
}

describe('OverloadWatch', () => {
  it('reports an overload after five slow seconds in a row, naming speed, CPU and the ladder', () => {
    const watch = new OverloadWatch();
    const seen = [0.8, 0.8, 0.8, 0.8, 0.8].map((speed, i) =>
      watch.observe(sample(i * 1000, speed)),
    );
    assert.deepEqual(seen.slice(0, 4), [undefined, undefined, undefined, undefined]);
    assert.deepEqual(seen[4], { speed: 0.8, seconds: 5, cpuPercent: 195, ladder: ['1080p'] });
    assert.equal(
      describeOverload(seen[4] ?? assert.fail('an overload')),
      '0.80× real time using 195 % CPU for 5 s',
    );
  });

  it('warns at most once a minute when nothing more can be dropped', () => {
    const watch = new OverloadWatch();
    const overload = { speed: 0.8, seconds: 5, cpuPercent: 195, ladder: ['1080p'] };
    assert.equal(
      watch.warning(overload, 5000),
      'encoding overloaded: ffmpeg runs at 0.80× real time using 195 % CPU for 5 s, so viewers ' +
        'fall behind — use fewer or smaller renditions than 1080p',
    );
    assert.equal(watch.warning(overload, 6000), undefined, 'quiet for a minute');
    assert.match(watch.warning(overload, 66_000) ?? '', /^encoding overloaded/);
  });

  it('a fast second, or not being live, resets the count', () => {
    const watch = new OverloadWatch();
    const speeds = [0.8, 0.8, 0.8, 0.8, 1.0, 0.8, 0.8, 0.8, 0.8];
    assert.ok(speeds.every((speed, i) => watch.observe(sample(i * 1000, speed)) === undefined));
    assert.equal(watch.observe(sample(9000, 0.8, 'reconnecting')), undefined);
    assert.equal(watch.observe(sample(10_000, 0.8)), undefined);
  });

  it('after the ladder changed, counts afresh once the new encoder had time to start', () => {
    const watch = new OverloadWatch();
    for (let i = 0; i < 5; i++) watch.observe(sample(i * 1000, 0.5));
    watch.restart(5000);
    const seen = [5500, 6500, 7500, 8500, 9500, 10_500, 11_500].map((at) =>
      watch.observe(sample(at, 0.5)),
    );
    assert.deepEqual(seen.slice(0, 6).filter(Boolean), [], 'settling, then four slow seconds');
    assert.equal(seen[6]?.seconds, 5);
  });
});
