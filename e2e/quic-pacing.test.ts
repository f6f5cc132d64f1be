import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runKeyframeBurst, type BurstResult } from './testbed/keyframe-burst.js';
import { NetnsLink, netnsAvailable } from './testbed/netns-link.js';

const available = await netnsAvailable();

// 20 Mbit/s with a 5 ms queue and a 40 ms round trip: a keyframe of 150 KiB is 60 ms on the wire,
// so ≈ 100 ms from send to the last byte is what the link allows.
const LINK = { rateKbit: 20_000, queueMs: 5 };
// CUBIC: pacing alone decides the difference (quiche's BBR, unpaced, collapses its window here).
const STREAM = {
  keyframeBytes: 150 * 1024,
  deltaBytes: 4 * 1024,
  rttMs: 40,
  congestionControl: 'cubic' as const,
};

function describeRun(r: BurstResult): string {
  const at = (sorted: number[], p: number): number =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);
  return (
    `${r.pacing ? 'paced' : 'unpaced'}: ${r.delivered}/${r.frames} frames, ${r.damaged} damaged, ` +
    `lost ${r.packetsLost}/${r.packetsSent} packets, ${r.pacerHolds} holds, keyframes p50 ` +
    `${at(r.keyframeDelaysMs, 0.5)} ms p95 ${at(r.keyframeDelaysMs, 0.95)} ms`
  );
}

describe(
  'QUIC pacing: keyframe bursts through a shallow bottleneck',
  { skip: !available && 'needs root and iproute2' },
  () => {
    test('paced, keyframes arrive sooner and fewer packets are lost than unpaced; both carry every frame whole', async () => {
      const link = await NetnsLink.create(LINK);
      try {
        const paced = await runKeyframeBurst(link, { ...STREAM, seconds: 8, pacing: true });
        const unpaced = await runKeyframeBurst(link, { ...STREAM, seconds: 8, pacing: false });
        console.log(`${describeRun(paced)}\n${describeRun(unpaced)}`);
        for (const run of [paced, unpaced]) {
          assert.equal(run.delivered, run.frames, describeRun(run));
          assert.equal(run.damaged, 0, describeRun(run));
        }
        assert.ok(
          paced.pacerHolds > 0,
          `the pacer never held a packet back: ${describeRun(paced)}`,
        );
        assert.equal(unpaced.pacerHolds, 0);
        // Unpaced, each keyframe's window leaves at once and the 5 ms queue drops its tail: the
        // losses and their recovery cost it a round trip or two (bench/RESULTS.md: keyframes p50
        // 221–297 ms unpaced against 111–115 ms paced, loss 4.7–7 % against 1.7–2.7 %).
        const p50 = (r: BurstResult): number => r.keyframeDelaysMs[r.keyframeDelaysMs.length >> 1]!;
        assert.ok(p50(paced) < p50(unpaced), `${describeRun(paced)}\n${describeRun(unpaced)}`);
        const lossRate = (r: BurstResult): number => r.packetsLost / r.packetsSent;
        assert.ok(
          lossRate(paced) < lossRate(unpaced),
          `${describeRun(paced)}\n${describeRun(unpaced)}`,
        );
      } finally {
        await link.close();
      }
    });
  },
);
