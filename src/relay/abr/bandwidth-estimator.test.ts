import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BandwidthEstimator, type LinkStats } from './bandwidth-estimator.js';

const stats = (bytesSent: number): LinkStats => ({
  rttMs: 10,
  deliveryRateBytesPerSec: 125_000,
  bytesSent,
  packetsSent: bytesSent / 1200,
  packetsLost: 0,
});

describe('BandwidthEstimator: the relay-side backlog', () => {
  it('counts lost bytes as not sent: retransmissions do not hide a backlog', () => {
    const estimator = new BandwidthEstimator();
    let fed = 0;
    let sent = 0;
    let lost = 0;
    let last = 0;
    for (let t = 0; t <= 2000; t += 200) {
      fed += 32_000;
      sent += 32_000; // as much goes out as comes in…
      lost += 7_000; // …but this much of it is lost and sent again
      last = estimator.observe({ ...stats(sent), bytesLost: lost }, t, fed).backlogBytes;
    }
    assert.equal(last, 7_000 * 8);
  });

  it('stays 0 while the session sends what it is fed (plus overhead)', () => {
    const estimator = new BandwidthEstimator();
    let fed = 0;
    for (let t = 0; t <= 3000; t += 200) {
      fed += 25_000;
      const estimate = estimator.observe(stats(fed * 1.05), t, fed);
      assert.equal(estimate.backlogBytes, 0, `at ${t} ms`);
    }
  });

  it("ignores a keyframe's burst that drains by the next sample", () => {
    const estimator = new BandwidthEstimator();
    estimator.observe(stats(0), 0, 0);
    estimator.observe(stats(25_000), 200, 25_000);
    assert.equal(estimator.observe(stats(50_000), 400, 110_000).backlogBytes, 0, 'one sample');
    assert.equal(estimator.observe(stats(135_000), 600, 135_000).backlogBytes, 0, 'drained');
  });

  it('grows when the session is fed faster than it sends, for two samples in a row', () => {
    const estimator = new BandwidthEstimator();
    let fed = 0;
    let sent = 0;
    let last = 0;
    for (let t = 0; t <= 2000; t += 200) {
      fed += 32_000; // 1.3 Mbit/s in
      sent += 25_000; // 1 Mbit/s out
      last = estimator.observe(stats(sent), t, fed).backlogBytes;
    }
    // 7 KB more each sample; counted from the second sample (the first only sets the start),
    // and the newest rise held back one sample.
    assert.equal(last, 7_000 * 8);
  });
});

describe('BandwidthEstimator: how long congestion has held', () => {
  it('counts a run of congested samples from its first, and starts again after a calm one', () => {
    const estimator = new BandwidthEstimator();
    const at = (t: number, rttMs: number): number =>
      estimator.observe({ ...stats(t * 100), rttMs }, t, t * 100).congestedForMs;
    at(0, 10);
    assert.equal(at(200, 10), 0, 'calm');
    assert.equal(at(400, 120), 0, 'one congested sample');
    assert.equal(at(600, 130), 200, 'two in a row');
    assert.equal(at(800, 125), 400, 'three in a row');
    assert.equal(at(1000, 12), 0, 'calm again');
    assert.equal(at(1200, 140), 0, 'a new run');
  });
});
