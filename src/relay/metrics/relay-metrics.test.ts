import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { until } from '../../async/index.js';
import { BroadcastProducer, GroupConsumer, type TrackConsumer } from '../../moq/index.js';
import { Authorizer, KeySet, generateKey } from '../auth/index.js';
import { Relay } from '../relay.js';
import { decode, join, publisher, writeGroups } from '../relay-test-kit.js';
import { labelValues, scrape, valueOf } from './metrics-test-kit.js';
import { parsePrometheusText } from './prometheus-text.js';
import type { BroadcastViewerStats } from './broadcast-viewer-stats.js';
import { OTHER_LABEL } from './label-cap.js';
import { STATS_TRACK } from './viewings.js';
import { LADDER, publishLadder, readGroups } from '../abr/abr-test-kit.js';

const WAIT = { timeoutMs: 20_000, intervalMs: 100 };

describe('/metrics on a real relay', () => {
  let relay: Relay;
  before(async () => (relay = await Relay.start({ port: 0, host: '127.0.0.1' })));
  after(() => relay.close());

  test('parses strictly and has the process, session, traffic and cache figures', async () => {
    const pub = await publisher(relay, ['metrics', 'one'], 'video');
    const quicViewer = await join(relay, 'quic');
    const wsViewer = await join(relay, 'websocket');
    const readers = [
      await quicViewer.subscribe(['metrics', 'one'], 'video'),
      await wsViewer.subscribe(['metrics', 'one'], 'video'),
    ];
    const draining = readers.map((r) => drain(r));
    let families = await until(
      'sessions and subscribers on /metrics',
      async () => {
        const f = await scrape(relay);
        const ok =
          valueOf(f, 'moq_relay_sessions', { transport: 'webtransport' }) === 2 &&
          valueOf(f, 'moq_relay_sessions', { transport: 'qmux' }) === 1 &&
          valueOf(f, 'moq_relay_subscribers', { broadcast: 'metrics/one', rendition: 'video' }) ===
            2;
        return ok && f;
      },
      WAIT,
    );
    assert.equal(families.get('moq_relay_sessions')?.type, 'gauge');
    assert.ok(valueOf(families, 'process_cpu_user_seconds_total') > 0, 'process_* metrics');
    assert.ok(families.has('moq_relay_event_loop_utilization'));
    assert.equal(valueOf(families, 'moq_relay_broadcasts'), 1);
    assert.ok(valueOf(families, 'moq_relay_sessions_opened_total') >= 3);
    const version = labelValues(families, 'moq_relay_sessions', 'version');
    assert.deepEqual([...version], ['0xff00000e'], 'draft-14');
    const bytesBefore = valueOf(families, 'moq_relay_object_bytes_sent_total');

    await writeGroups(pub.track, 5, 4, 50);
    families = await until(
      'traffic counters to move',
      async () => {
        const f = await scrape(relay);
        // 20 objects in, each sent to 2 viewers (a group cut for a slow link counts as whole).
        const sent = valueOf(f, 'moq_relay_objects_sent_total');
        const dropped = valueOf(f, 'moq_relay_groups_dropped_total');
        const ok = valueOf(f, 'moq_relay_objects_received_total') >= 20 && sent + 4 * dropped >= 40;
        return ok && f;
      },
      WAIT,
    );
    assert.ok(valueOf(families, 'moq_relay_object_bytes_sent_total') > bytesBefore);
    const sentBefore = valueOf(families, 'moq_relay_objects_sent_total');
    assert.ok(valueOf(families, 'moq_relay_object_bytes_received_total') > 0);
    assert.ok(valueOf(families, 'moq_relay_cache_bytes') > 0, 'groups are cached');
    assert.equal(families.get('moq_relay_groups_dropped_total')?.type, 'counter');
    assert.deepEqual(
      [...labelValues(families, 'moq_relay_groups_dropped_total', 'reason')].sort(),
      ['congestion', 'delivery_timeout', 'lagged'],
    );
    // The QUIC viewer's packets; a relay without sibling workers forwards none.
    assert.ok(valueOf(families, 'moq_relay_quic_packets_received_total') > 10);
    assert.equal(families.get('moq_relay_quic_packets_dropped_total')?.type, 'counter');
    assert.equal(valueOf(families, 'moq_relay_quic_packets_forwarded_total'), 0);
    assert.equal(valueOf(families, 'moq_relay_quic_retries_sent_total'), 0);

    wsViewer.close();
    families = await until(
      'the WebSocket viewer to leave the gauges',
      async () => {
        const f = await scrape(relay);
        const ok =
          valueOf(f, 'moq_relay_sessions', { transport: 'qmux' }) === 0 &&
          valueOf(f, 'moq_relay_subscribers', { broadcast: 'metrics/one' }) === 1;
        return ok && f;
      },
      WAIT,
    );
    // Counters keep what closed sessions sent.
    assert.ok(valueOf(families, 'moq_relay_objects_sent_total') >= sentBefore);
    quicViewer.close();
    pub.session.close();
    await Promise.allSettled(draining);
  });

  test('a refused session is counted as an auth denial, by code', async () => {
    const key = await generateKey('HS256', 'k');
    const guarded = await Relay.start({
      port: 0,
      host: '127.0.0.1',
      auth: new Authorizer({ keys: await KeySet.fromJwks([key.publicJwk]) }),
    });
    try {
      await assert.rejects(join(guarded), 'no token: refused');
      const families = await until('the denial on /metrics', async () => {
        const scraped = await scrape(guarded);
        const value = valueOf(scraped, 'moq_relay_auth_denials_total', { reason: 'NO_TOKEN' });
        return value === 1 ? scraped : undefined;
      });
      assert.equal(valueOf(families, 'moq_relay_cluster_links'), 0, 'alone: no cluster links');
    } finally {
      await guarded.close();
    }
  });
});

describe('server-side ABR viewers on /metrics', () => {
  test('a switching-set viewer counts once, under the rendition it is on', async () => {
    const relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    const ladder = new BroadcastProducer(['abr', 'metrics']);
    relay.origin.publish(ladder);
    const stop = publishLadder(ladder, LADDER, { groupMs: 300, objectsPerGroup: 5 });
    try {
      const viewer = await join(relay);
      const consumer = await viewer.subscribe(['abr', 'metrics'], 'hi', { switchingSet: LADDER });
      await readGroups(consumer, (g) => g.length >= 2, AbortSignal.timeout(20_000));
      const families = await scrape(relay);
      assert.equal(valueOf(families, 'moq_relay_subscribers', { broadcast: 'abr/metrics' }), 1);
      const renditions = labelValues(families, 'moq_relay_subscribers', 'rendition');
      assert.equal(renditions.size, 1);
      const names = LADDER.map((e) => e.trackName);
      assert.ok(names.includes([...renditions][0] ?? ''), [...renditions].join());
      consumer.close();
      viewer.close();
    } finally {
      stop();
      await relay.close();
    }
  });
});

describe('/readyz', () => {
  test('200 while accepting, 503 while closing; /healthz stays', async () => {
    const relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${relay.port}`;
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    // A session open makes close() wait a grace period after GOAWAY: /readyz is 503 meanwhile.
    const session = await join(relay);
    const closing = relay.close();
    const response = await fetch(`${url}/readyz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'closing' });
    await closing;
    session.close();
  });
});

describe('label cardinality', () => {
  test('50 broadcasts: the broadcast label has at most N + 1 values', async () => {
    const maxBroadcastLabels = 5;
    const relay = await Relay.start({
      port: 0,
      host: '127.0.0.1',
      metrics: { maxBroadcastLabels },
    });
    try {
      const pub = await publisher(relay, ['many', 'b0'], 'video');
      for (let i = 1; i < 50; i++) {
        const broadcast = new BroadcastProducer(['many', `b${i}`]);
        broadcast.createTrack('video');
        await pub.session.publish(broadcast);
      }
      const everyone = await join(relay);
      const few = await join(relay);
      for (let i = 0; i < 50; i++) await everyone.subscribe(['many', `b${i}`], 'video');
      for (let i = 0; i < 3; i++) await few.subscribe(['many', `b${i}`], 'video');
      const families = await until(
        'all 53 subscriptions counted',
        async () => {
          const f = await scrape(relay);
          return valueOf(f, 'moq_relay_subscribers') === 53 && f;
        },
        WAIT,
      );
      const labels = labelValues(families, 'moq_relay_subscribers', 'broadcast');
      assert.ok(labels.size <= maxBroadcastLabels + 1, `${labels.size} broadcast labels`);
      assert.ok(labels.has(OTHER_LABEL));
      for (let i = 0; i < 3; i++) assert.ok(labels.has(`many/b${i}`), 'the busiest are named');
      assert.equal(
        valueOf(families, 'moq_relay_subscribers', { broadcast: OTHER_LABEL }),
        53 - 2 * 3 - (maxBroadcastLabels - 3),
      );
      const viewers = await until(
        'per-broadcast viewer gauges',
        async () => {
          const f = await scrape(relay);
          return (f.get('moq_relay_broadcast_viewers')?.samples.length ?? 0) > 0 && f;
        },
        WAIT,
      );
      const viewerLabels = labelValues(viewers, 'moq_relay_broadcast_viewers', 'broadcast');
      assert.ok(viewerLabels.size <= maxBroadcastLabels, `${viewerLabels.size} viewer labels`);
      everyone.close();
      few.close();
      pub.session.close();
    } finally {
      await relay.close();
    }
  });
});

describe('.stats track', () => {
  test('the publisher reads viewer figures that reflect 2 real viewers', async () => {
    const relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    try {
      const pub = await publisher(relay, ['stats', 'show'], 'video');
      const viewers = [await join(relay, 'quic'), await join(relay, 'quic')];
      const readers = await Promise.all(
        viewers.map((v) => v.subscribe(['stats', 'show'], 'video')),
      );
      const draining = readers.map((r) => drain(r));
      const writing = writeGroups(pub.track, 20, 3, 100);
      // The publisher asks the relay (not itself) for `.stats` in its own namespace.
      const stats = await pub.session.subscribe(['stats', 'show'], STATS_TRACK);
      const seen = await readStatsUntil(
        stats,
        (s) => s.viewers === 2 && s.renditions.video === 2 && s.rttMs !== null,
      );
      assert.equal(seen.broadcast, 'stats/show');
      assert.ok(seen.rttMs && seen.rttMs.p50 >= 0 && seen.rttMs.p95 >= seen.rttMs.p50);
      assert.ok(seen.lossRatio && seen.lossRatio.mean >= 0);
      assert.ok(seen.deliveryRateBps && seen.deliveryRateBps.p50 >= 0);
      assert.equal(typeof seen.groupsDropped, 'number');
      assert.equal(seen.stalls, null);
      assert.equal(Object.keys(seen.renditions).includes(STATS_TRACK), false);
      viewers[1]?.close();
      await readStatsUntil(stats, (s) => s.viewers === 1);
      await writing;
      stats.close();
      viewers[0]?.close();
      pub.session.close();
      await Promise.allSettled(draining);
    } finally {
      await relay.close();
    }
  });
});

test('the strict parser refuses malformed text', () => {
  assert.throws(() => parsePrometheusText('orphan_metric 1\n'), { name: 'PrometheusTextError' });
  assert.throws(() => parsePrometheusText('# TYPE a gauge\na{x="1"} one\n'));
  assert.throws(() => parsePrometheusText('# TYPE a gauge\na{x=1} 1\n'));
  const ok = parsePrometheusText(
    '# HELP h x\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n',
  );
  assert.equal(ok.get('h')?.samples.length, 3);
});

async function drain(consumer: TrackConsumer): Promise<void> {
  for (let next = await consumer.nextGroup(); next; next = await consumer.nextGroup()) {
    if (!(next instanceof GroupConsumer)) continue;
    while (await next.readObject()) {
      // read and forget
    }
  }
}

async function readStatsUntil(
  consumer: TrackConsumer,
  wanted: (stats: BroadcastViewerStats) => boolean,
): Promise<BroadcastViewerStats> {
  const signal = AbortSignal.timeout(20_000);
  for (;;) {
    const next = await consumer.nextGroup(signal);
    if (next === undefined) throw new Error('.stats ended');
    if (!(next instanceof GroupConsumer)) continue;
    const object = await next.readObject(signal);
    if (!object) continue;
    const stats = JSON.parse(decode(object.payload)) as BroadcastViewerStats;
    if (wanted(stats)) return stats;
  }
}
