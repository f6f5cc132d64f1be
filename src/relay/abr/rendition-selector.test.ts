import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkEstimate } from './bandwidth-estimator.js';
import { RenditionSelector } from './rendition-selector.js';

const calm = (bps: number | undefined, peakBps = bps): LinkEstimate => ({
  bps,
  peakBps,
  sentBps: bps,
  deliveryBps: bps,
  rttMs: 20,
  minRttMs: 20,
  recentMaxRttMs: 20,
  lossRatio: 0,
  congested: false,
  congestedForMs: 0,
  backlogBytes: 0,
});
const congested = (bps: number): LinkEstimate => ({
  ...calm(bps),
  rttMs: 200,
  recentMaxRttMs: 200,
  congested: true,
  congestedForMs: 400,
});

// The ladder in the subscriber's order: top first, as a catalog lists it.
const LADDER = [4_000_000, 1_500_000, 400_000];

describe('RenditionSelector', () => {
  it('starts at what the capacity carries, or the lowest rung when nothing is known', () => {
    assert.equal(new RenditionSelector(LADDER).choose(calm(undefined), 0).index, 2);
    assert.equal(new RenditionSelector(LADDER).choose(calm(10_000_000), 0).index, 0);
    assert.equal(new RenditionSelector(LADDER).choose(calm(2_500_000), 0).index, 1);
  });

  it('goes down at once on congestion, to what the measured capacity carries', () => {
    const selector = new RenditionSelector(LADDER);
    selector.choose(calm(10_000_000), 0);
    const down = selector.choose(congested(1_000_000), 100);
    assert.deepEqual(down, { index: 2, reason: 'congestion' });
  });

  it('goes down when the link carries well under the rung while it queues, the RTT rule quiet', () => {
    const selector = new RenditionSelector(LADDER);
    selector.choose(calm(10_000_000), 0);
    // A congestion-window-limited sender: RTT a little up (queued), not past the congestion rule.
    const starved = { ...calm(10_000_000), sentBps: 1_000_000, rttMs: 40, recentMaxRttMs: 60 };
    assert.equal(selector.choose(starved, 1000).index, 0, 'not before a full window at the rung');
    assert.deepEqual(selector.choose(starved, 2500), { index: 2, reason: 'congestion' });
    const quiet = new RenditionSelector(LADDER);
    quiet.choose(calm(10_000_000), 0);
    const idle = { ...calm(10_000_000), sentBps: 1_000_000 };
    assert.equal(quiet.choose(idle, 2500).index, 0, 'a quiet scene sends less: no queue, no loss');
  });

  it("goes down when the relay's unsent media for the viewer grows past half a second", () => {
    const selector = new RenditionSelector(LADDER);
    selector.choose(calm(10_000_000), 0);
    // 4 Mbit/s top rung: 150 KB waiting is 0.3 s, a keyframe's burst; 300 KB is 0.6 s.
    assert.equal(selector.choose({ ...calm(10_000_000), backlogBytes: 150_000 }, 1000).index, 0);
    const down = selector.choose(
      { ...calm(10_000_000), sentBps: 1_200_000, backlogBytes: 300_000 },
      1200,
    );
    assert.deepEqual(down, { index: 2, reason: 'congestion' }, 'to what was carried');
  });

  it('after a step down, a queue that drains (RTT falling) is not a reason to step down again', () => {
    const selector = new RenditionSelector(LADDER);
    selector.choose(calm(10_000_000), 0);
    // 4 Mbit/s top on a link now carrying 2 Mbit/s: down to 1.5 Mbit/s.
    const down = selector.choose({ ...congested(2_000_000), rttMs: 120 }, 1000);
    assert.deepEqual(down, { index: 1, reason: 'congestion' });
    const draining = selector.choose({ ...congested(2_000_000), rttMs: 80 }, 2000);
    assert.equal(draining.index, 1, 'the old queue drains: stay');
    const growing = selector.choose({ ...congested(2_000_000), rttMs: 160 }, 2400);
    assert.equal(growing.index, 2, 'the queue grows again: down');
  });

  it('a low estimate alone (no queue, no loss, no backlog) is no reason to step down', () => {
    const selector = new RenditionSelector(LADDER);
    selector.choose(calm(10_000_000), 0);
    // An application-limited flow on a busy machine: quiche's samples run low, the link is idle.
    assert.equal(selector.choose(calm(2_000_000), 3000).index, 0);
    const queuing = { ...calm(2_000_000), recentMaxRttMs: 70 };
    assert.equal(selector.choose(queuing, 3600).index, 1, 'with a queue behind it, down');
  });

  it('steps up one rung at a time, only after the hold, and only when calm', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 3000 });
    selector.choose(calm(undefined), 0);
    assert.equal(selector.choose(calm(600_000), 1000).index, 2, 'held');
    assert.equal(selector.choose(congested(600_000), 3500).index, 2, 'not while congested');
    assert.equal(selector.choose(calm(600_000), 4000).index, 2, 'a probe waits twice the hold');
    const probe = selector.choose(calm(600_000), 6100);
    assert.deepEqual(probe, { index: 1, reason: 'probe' }, 'an application-limited flow is probed');
    const shown = selector.choose(calm(6_000_000), 9200);
    assert.deepEqual(shown, { index: 0, reason: 'capacity' }, 'a burst showed the capacity');
  });

  it('holds a rung that failed off for longer each time (hysteresis)', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 1000 });
    selector.choose(calm(undefined), 0);
    let now = 0;
    const upAfter: number[] = [];
    for (let round = 0; round < 3; round++) {
      const from = now;
      while (selector.choose(calm(500_000), (now += 100)).index !== 1) continue;
      upAfter.push(now - from);
      selector.choose(congested(500_000), (now += 100)); // the probe hurt: back down
    }
    assert.ok(
      upAfter[1]! > upAfter[0]! && upAfter[2]! > upAfter[1]!,
      `waits ${upAfter.join(', ')}`,
    );
  });

  it('forgets holds earned on a slow link once the link shows several times the capacity', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 1000 });
    selector.choose(calm(undefined), 0);
    let now = 0;
    for (let round = 0; round < 4; round++) {
      while (selector.choose(calm(500_000), (now += 100)).index !== 1) continue;
      selector.choose(congested(500_000), (now += 100)); // the middle rung failed: held longer
    }
    // The drop ended: the link shows 10 Mbit/s. The hold earned at 0.5 Mbit/s (16 s) is void.
    const recovered = now;
    while (selector.choose(calm(10_000_000), (now += 100)).index !== 1) continue;
    assert.ok(now - recovered <= 1100, `back up after ${now - recovered} ms`);
    // A failure on the recovered link doubles the plain hold, not the one from the slow link.
    selector.choose(congested(10_000_000), (now += 100));
    const fast = now;
    while (selector.choose(calm(10_000_000), (now += 100)).index !== 1) continue;
    assert.ok(now - fast <= 2100, `back up after ${now - fast} ms`);
    // A failure on a link no faster than the one it failed on before: the hold stands.
    selector.choose(congested(500_000), (now += 100));
    const again = now;
    while (selector.choose(calm(600_000), (now += 100)).index !== 1) continue;
    assert.ok(now - again >= 2000, `held ${now - again} ms after failing on the same link`);
  });
});

describe('RenditionSelector hold after a failure', () => {
  it('counts from the failure: a later step between lower rungs does not start it over', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 1000 });
    selector.choose(calm(10_000_000), 0); // top
    selector.choose(congested(2_000_000), 100); // down to the middle
    let now = 100;
    for (let round = 0; round < 2; round++) {
      // Bursts show 10 Mbit/s on a 2 Mbit/s link (a token bucket): the top is tried, and fails.
      while (selector.choose(calm(10_000_000), (now += 100)).index !== 0) continue;
      selector.choose(congested(2_000_000), (now += 100));
    }
    const failedAt = now; // the top's hold is now 4 s
    selector.choose({ ...congested(300_000), rttMs: 300 }, (now += 600)); // on to the bottom
    const shown = calm(5_500_000); // the link recovered (short of resetting the hold)
    while (selector.choose(shown, (now += 100)).index !== 1) continue;
    assert.ok(now - failedAt < 4000, `the middle at ${now - failedAt} ms`);
    while (selector.choose(shown, (now += 100)).index !== 0) continue;
    assert.ok(now - failedAt >= 4000, `the top held ${now - failedAt} ms after it failed`);
    assert.ok(now - failedAt <= 4100, `the top ${now - failedAt} ms after it failed`);
  });
});

describe('RenditionSelector stepping up', () => {
  it('does not step up while bursts queue at the bottleneck, however high the bursts read', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 1000 });
    selector.choose(calm(undefined), 0);
    const queuing = { ...calm(600_000, 20_000_000), recentMaxRttMs: 70 };
    for (let now = 100; now < 10_000; now += 100) {
      assert.equal(selector.choose(queuing, now).index, 2, `at ${now} ms`);
    }
    assert.equal(selector.choose(calm(600_000, 20_000_000), 10_100).reason, 'capacity');
  });
});

describe('RenditionSelector hysteresis', () => {
  it('does not hold off a rung that was only passed through on the way down', () => {
    const selector = new RenditionSelector(LADDER, { upHoldMs: 1000 });
    selector.choose(calm(10_000_000), 0); // top
    selector.choose(congested(3_000_000), 100); // down to the middle rung
    selector.choose(congested(300_000), 200); // and on to the bottom
    let now = 200;
    while (selector.choose(calm(2_500_000, 2_500_000), (now += 100)).index !== 1) continue;
    assert.ok(now - 200 <= 1200, `back on the middle rung after ${now - 200} ms`);
  });

  describe('cut: a step down between groups', () => {
    const held = (bps: number, forMs: number): LinkEstimate => ({
      ...congested(bps),
      congestedForMs: forMs,
    });

    it('steps down when congestion has held for two samples, not on one', () => {
      const selector = new RenditionSelector(LADDER);
      selector.choose(calm(10_000_000), 0);
      assert.equal(selector.cut(held(1_000_000, 0), 300), undefined, 'one sample: maybe a burst');
      assert.deepEqual(selector.cut(held(1_000_000, 200), 500), { index: 2, reason: 'congestion' });
      assert.equal(selector.current, 2, 'the next group starts from the lower rung');
    });

    it('the next group starts on the rung the cut chose, when the link was not looked at since', () => {
      const selector = new RenditionSelector(LADDER);
      selector.choose(calm(10_000_000), 0);
      const sample = { ...held(10_000_000, 200), sentBps: 3_500_000, deliveryBps: 2_000_000 };
      assert.equal(selector.cut(sample, 500)?.index, 1);
      assert.equal(selector.choose(sample, 600).index, 1, 'the same sample: no second step');
      const next = { ...sample, rttMs: 250 };
      assert.equal(selector.choose(next, 700).index, 2, 'a new sample, the queue still growing');
    });

    it('aims at what the link carries now, not over the last second before the drop', () => {
      const selector = new RenditionSelector(LADDER);
      selector.choose(calm(10_000_000), 0);
      const drop = { ...held(10_000_000, 200), sentBps: 3_500_000, deliveryBps: 900_000 };
      assert.equal(selector.cut(drop, 500)?.index, 2);
    });

    it("steps down on a backlog of half a second at the rung's rate", () => {
      const selector = new RenditionSelector(LADDER);
      selector.choose(calm(10_000_000), 0);
      const backlog = { ...calm(10_000_000), sentBps: 1_200_000, backlogBytes: 300_000 };
      assert.equal(selector.cut({ ...backlog, backlogBytes: 200_000 }, 300), undefined);
      assert.equal(selector.cut(backlog, 300)?.index, 2);
    });

    it('leaves a step down just taken to drain, and never cuts below the lowest rung', () => {
      const selector = new RenditionSelector(LADDER);
      selector.choose(calm(10_000_000), 0);
      assert.equal(selector.cut(held(2_500_000, 400), 1000)?.index, 1);
      assert.equal(
        selector.cut(held(300_000, 600), 1200),
        undefined,
        'the queue the top rung built',
      );
      assert.equal(
        selector.cut(held(300_000, 2000), 3000)?.index,
        2,
        'still short after the drain',
      );
      assert.equal(selector.cut(held(300_000, 4000), 5000), undefined, 'the lowest rung');
    });
  });
});
