import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GroupDropReason, SessionCounters } from '../../moq/index.js';
import type { EndpointStats } from '../../transport/index.js';
import type { BroadcastViewerStats } from './broadcast-viewer-stats.js';
import { OTHER_LABEL, labelFor, topLabels } from './label-cap.js';
import type { SessionRecord, ViewerLink } from './session-record.js';
import type { Viewing } from './viewings.js';

/** What the metrics read at scrape time; the relay provides it. */
export interface MetricsSource {
  sessions(): Iterable<SessionRecord>;
  broadcastCount(): number;
  /** Bytes held in the relay's group caches, over every broadcast's tracks. */
  cacheBytes(): number;
  viewings(): Viewing[];
  /** The newest per-broadcast viewer figures (the sampler's, once a second). */
  viewerStats(): ReadonlyMap<string, BroadcastViewerStats>;
  /** The QUIC endpoint's packet counts (undefined: no QUIC listener). */
  quicEndpoint(): EndpointStats | undefined;
}

export interface RelayMetricsOptions {
  /** Broadcast label values kept (top N by subscribers); the rest are summed as `other`. */
  maxBroadcastLabels?: number;
}

export const DEFAULT_MAX_BROADCAST_LABELS = 20;
const PREFIX = 'moq_relay_';
const DROP_REASONS: GroupDropReason[] = ['congestion', 'delivery_timeout', 'lagged'];
type Traffic = Pick<
  SessionCounters,
  'bytesSent' | 'objectsSent' | 'bytesReceived' | 'objectsReceived'
>;
const TRAFFIC_KEYS = ['bytesSent', 'objectsSent', 'bytesReceived', 'objectsReceived'] as const;

/**
 * The relay's Prometheus metrics, in a registry of its own (several relays may share a process).
 * Most figures are read from the relay at scrape time, so the fan-out path does no extra work;
 * the viewer histograms are fed by the once-a-second quality sampler.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  /** Links to other relays of the cluster; the cluster code sets it. */
  readonly clusterLinks: Gauge;
  readonly #source: MetricsSource;
  readonly #maxBroadcasts: number;
  readonly #sessionsOpened: Counter<'transport'>;
  readonly #authDenials: Counter<'reason'>;
  readonly #renditionSwitches: Counter<'reason'>;
  readonly #viewerRtt: Histogram;
  readonly #viewerLoss: Histogram;
  readonly #viewerDeliveryRate: Histogram;
  /** Totals of sessions already closed, so counters never go back when one goes. */
  readonly #retired = newTotals();
  #elu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(source: MetricsSource, options: RelayMetricsOptions = {}) {
    this.#source = source;
    this.#maxBroadcasts = options.maxBroadcastLabels ?? DEFAULT_MAX_BROADCAST_LABELS;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#sessionsOpened = new Counter({
      name: `${PREFIX}sessions_opened_total`,
      help: 'MoQ sessions set up, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.#authDenials = new Counter({
      name: `${PREFIX}auth_denials_total`,
      help: 'Requests refused by authorisation, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.#renditionSwitches = new Counter({
      name: `${PREFIX}rendition_switches_total`,
      help: 'Server-side ABR choices, by reason (start, congestion, capacity, probe, unaligned)',
      labelNames: ['reason'],
      registers,
    });
    this.clusterLinks = new Gauge({
      name: `${PREFIX}cluster_links`,
      help: 'Links to other relays of the cluster',
      registers,
    });
    this.#viewerRtt = new Histogram({
      name: `${PREFIX}viewer_rtt_seconds`,
      help: "Viewers' round-trip times, one observation per viewer session a second (QUIC only)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6],
      registers,
    });
    this.#viewerLoss = new Histogram({
      name: `${PREFIX}viewer_loss_ratio`,
      help: "Viewers' packet loss over the last second, one observation per viewer a second",
      buckets: [0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
      registers,
    });
    this.#viewerDeliveryRate = new Histogram({
      name: `${PREFIX}viewer_delivery_rate_bps`,
      help: "Viewers' QUIC delivery-rate estimates, bits/s, one observation per viewer a second",
      buckets: [250e3, 500e3, 1e6, 2e6, 4e6, 8e6, 16e6, 50e6, 100e6],
      registers,
    });
    this.#scrapedGauges(registers);
    this.#trafficCounters(registers);
    this.#quicCounters(registers);
  }

  /** An authorisation refusal (a bad token, a path not granted, …): call once per refusal. */
  authDenied(reason: string): void {
    this.#authDenials.inc({ reason: reason.slice(0, 64) });
  }

  /** A switching-set subscription's rendition chosen (its first) or changed, and why. */
  renditionSwitched(reason: string): void {
    this.#renditionSwitches.inc({ reason });
  }

  sessionOpened(record: SessionRecord): void {
    this.#sessionsOpened.inc({ transport: record.transport });
  }

  /** Keeps a closing session's totals in the counters. */
  sessionClosed(record: SessionRecord): void {
    addCounters(this.#retired, record.session.counters);
  }

  /** One viewer session's link, sampled (the quality sampler calls this once a second). */
  observeViewer(link: ViewerLink): void {
    this.#viewerRtt.observe(link.rttMs / 1000);
    this.#viewerLoss.observe(link.lossRatio);
    this.#viewerDeliveryRate.observe(link.deliveryRateBps);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #totals(): ReturnType<typeof newTotals> {
    const totals = newTotals();
    addCounters(totals, this.#retired);
    for (const record of this.#source.sessions()) addCounters(totals, record.session.counters);
    return totals;
  }

  #scrapedGauges(registers: Registry[]): void {
    const source = this.#source;
    new Gauge({
      name: `${PREFIX}sessions`,
      help: 'Open MoQ sessions, by transport, WebTransport protocol and MoQ version',
      labelNames: ['transport', 'protocol', 'version'],
      registers,
      collect() {
        this.reset();
        for (const s of source.sessions()) {
          const version = `0x${s.version.toString(16)}`;
          this.inc({ transport: s.transport, protocol: s.protocol || 'none', version });
        }
      },
    });
    new Gauge({
      name: `${PREFIX}broadcasts`,
      help: 'Broadcasts announced to this relay',
      registers,
      collect() {
        this.set(source.broadcastCount());
      },
    });
    new Gauge({
      name: `${PREFIX}cache_bytes`,
      help: "Bytes held in the relay's group caches",
      registers,
      collect() {
        this.set(source.cacheBytes());
      },
    });
    const subscriberCounts = (): Map<{ broadcast: string; rendition: string }, number> =>
      this.#subscriberCounts();
    const utilization = (): number => {
      const since = performance.eventLoopUtilization(this.#elu);
      this.#elu = performance.eventLoopUtilization();
      return since.utilization;
    };
    new Gauge({
      name: `${PREFIX}subscribers`,
      help: `Subscriptions by broadcast (top N, the rest as "${OTHER_LABEL}") and rendition`,
      labelNames: ['broadcast', 'rendition'],
      registers,
      collect() {
        this.reset();
        for (const [labels, count] of subscriberCounts()) this.set(labels, count);
      },
    });
    this.#perBroadcastGauges(registers);
    new Gauge({
      name: `${PREFIX}event_loop_utilization`,
      help: 'Share of time the event loop was busy since the previous scrape (0..1)',
      registers,
      collect() {
        this.set(utilization());
      },
    });
  }

  /** Subscriber counts keyed by bounded labels: a folded broadcast's renditions are `all`. */
  #subscriberCounts(): Map<{ broadcast: string; rendition: string }, number> {
    const viewings = this.#source.viewings();
    const perBroadcast = new Map<string, number>();
    for (const v of viewings)
      perBroadcast.set(v.broadcast, (perBroadcast.get(v.broadcast) ?? 0) + 1);
    const kept = topLabels(perBroadcast, this.#maxBroadcasts);
    const counts = new Map<
      string,
      { labels: { broadcast: string; rendition: string }; n: number }
    >();
    for (const v of viewings) {
      const broadcast = labelFor(v.broadcast, kept);
      const rendition = broadcast === OTHER_LABEL ? 'all' : v.rendition;
      const key = `${broadcast}\u0000${rendition}`;
      const entry = counts.get(key) ?? { labels: { broadcast, rendition }, n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
    return new Map([...counts.values()].map((e) => [e.labels, e.n]));
  }

  /** The sampler's per-broadcast viewer figures, top N broadcasts by viewers. */
  #perBroadcastGauges(registers: Registry[]): void {
    const source = this.#source;
    const max = (): number => this.#maxBroadcasts;
    const kept = (): BroadcastViewerStats[] => {
      const stats = [...source.viewerStats().values()];
      const names = topLabels(new Map(stats.map((s) => [s.broadcast, s.viewers])), max());
      return stats.filter((s) => names.has(s.broadcast));
    };
    new Gauge({
      name: `${PREFIX}broadcast_viewers`,
      help: 'Viewer sessions per broadcast (top N broadcasts by viewers)',
      labelNames: ['broadcast'],
      registers,
      collect() {
        this.reset();
        for (const s of kept()) this.set({ broadcast: s.broadcast }, s.viewers);
      },
    });
    new Gauge({
      name: `${PREFIX}broadcast_viewer_rtt_seconds`,
      help: "Viewers' RTT per broadcast, p50 and p95 over its viewers (top N broadcasts)",
      labelNames: ['broadcast', 'quantile'],
      registers,
      collect() {
        this.reset();
        for (const s of kept()) {
          if (!s.rttMs) continue;
          this.set({ broadcast: s.broadcast, quantile: '0.5' }, s.rttMs.p50 / 1000);
          this.set({ broadcast: s.broadcast, quantile: '0.95' }, s.rttMs.p95 / 1000);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}broadcast_viewer_loss_ratio`,
      help: "Viewers' mean packet loss per broadcast over the last second (top N broadcasts)",
      labelNames: ['broadcast'],
      registers,
      collect() {
        this.reset();
        for (const s of kept())
          if (s.lossRatio) this.set({ broadcast: s.broadcast }, s.lossRatio.mean);
      },
    });
    new Gauge({
      name: `${PREFIX}broadcast_viewer_delivery_rate_bps`,
      help: "Viewers' median QUIC delivery rate per broadcast, bits/s (top N broadcasts)",
      labelNames: ['broadcast'],
      registers,
      collect() {
        this.reset();
        for (const s of kept()) {
          if (s.deliveryRateBps) this.set({ broadcast: s.broadcast }, s.deliveryRateBps.p50);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}broadcast_viewer_groups_dropped`,
      help: "Groups dropped for a broadcast's current viewers over their sessions (top N)",
      labelNames: ['broadcast'],
      registers,
      collect() {
        this.reset();
        for (const s of kept()) this.set({ broadcast: s.broadcast }, s.groupsDropped);
      },
    });
  }

  #quicCounters(registers: Registry[]): void {
    const source = this.#source;
    for (const [key, name, help] of QUIC_COUNTERS) {
      growingCounter(registers, name, help, () => source.quicEndpoint()?.[key] ?? 0);
    }
  }

  #trafficCounters(registers: Registry[]): void {
    const reportedDropped = newTotals().dropped;
    const totals = (): ReturnType<typeof newTotals> => this.#totals();
    const counter = (key: (typeof TRAFFIC_KEYS)[number], name: string, help: string): void =>
      growingCounter(registers, name, help, () => totals()[key]);
    counter('bytesSent', 'object_bytes_sent_total', 'Object payload bytes sent to subscribers');
    counter('objectsSent', 'objects_sent_total', 'Objects sent to subscribers');
    counter('bytesReceived', 'object_bytes_received_total', 'Object payload bytes received');
    counter('objectsReceived', 'objects_received_total', 'Objects received from publishers');
    new Counter({
      name: `${PREFIX}groups_dropped_total`,
      help: 'Groups not delivered to a subscriber, by reason (congestion, delivery_timeout, lagged)',
      labelNames: ['reason'],
      registers,
      collect() {
        const now = totals().dropped;
        for (const reason of DROP_REASONS) {
          const delta = now[reason] - reportedDropped[reason];
          if (delta > 0) this.inc({ reason }, delta);
          else if (reportedDropped[reason] === 0) this.inc({ reason }, 0);
          reportedDropped[reason] = Math.max(reportedDropped[reason], now[reason]);
        }
      },
    });
  }
}

/** The endpoint's own counts, as counters (they only grow while the endpoint lives). */
const QUIC_COUNTERS: Array<[keyof EndpointStats, string, string]> = [
  ['packetsReceived', 'quic_packets_received_total', 'UDP packets received on the QUIC port'],
  [
    'packetsDropped',
    'quic_packets_dropped_total',
    'QUIC packets dropped: not QUIC, unknown connection, over a cap, a bad Retry token',
  ],
  [
    'packetsForwarded',
    'quic_packets_forwarded_total',
    "Packets of another worker's connection the kernel handed here, passed on to that worker",
  ],
  ['retriesSent', 'quic_retries_sent_total', 'Retry packets sent (address validation under load)'],
];

/**
 * A counter that follows a running total read at scrape time: it adds what the total grew by,
 * and never goes back when the total does (a closed session's, an endpoint's that restarted).
 */
function growingCounter(
  registers: Registry[],
  name: string,
  help: string,
  read: () => number,
): void {
  let reported = 0;
  new Counter({
    name: `${PREFIX}${name}`,
    help,
    registers,
    collect() {
      const now = read();
      if (now > reported) this.inc(now - reported);
      reported = Math.max(reported, now);
    },
  });
}

function newTotals(): Traffic & { dropped: Record<GroupDropReason, number> } {
  return {
    bytesSent: 0,
    objectsSent: 0,
    bytesReceived: 0,
    objectsReceived: 0,
    dropped: { congestion: 0, delivery_timeout: 0, lagged: 0 },
  };
}

function addCounters(
  totals: ReturnType<typeof newTotals>,
  counters: Traffic & {
    dropped?: Record<GroupDropReason, number>;
    groupsDroppedBy?: Record<GroupDropReason, number>;
  },
): void {
  for (const key of TRAFFIC_KEYS) totals[key] += counters[key];
  const by = counters.groupsDroppedBy ?? counters.dropped;
  if (!by) return;
  for (const reason of DROP_REASONS) totals.dropped[reason] += by[reason];
}
