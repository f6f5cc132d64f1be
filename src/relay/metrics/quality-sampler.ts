import type { BroadcastProducer } from '../../moq/index.js';
import { summarize, type BroadcastViewerStats } from './broadcast-viewer-stats.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { SessionRecord } from './session-record.js';
import { StatsTrack } from './stats-track.js';
import type { Viewing } from './viewings.js';

/** How often viewer links are sampled and `.stats` objects written. */
export const SAMPLE_INTERVAL_MS = 1000;

export interface QualitySamplerOptions {
  sessions: () => Iterable<SessionRecord>;
  broadcasts: () => BroadcastProducer[];
  viewings: () => Viewing[];
  metrics: RelayMetrics;
  intervalMs?: number;
}

/**
 * Once a second: samples every session's link, feeds the viewer histograms, and computes each
 * broadcast's viewer figures — kept for /metrics and written to the broadcast's `.stats` track.
 * Owns one timer and the `.stats` tracks; `close()` ends both.
 */
export class QualitySampler {
  readonly #options: QualitySamplerOptions;
  readonly #tracks = new Map<BroadcastProducer, StatsTrack>();
  #latest = new Map<string, BroadcastViewerStats>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(options: QualitySamplerOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.sample(), options.intervalMs ?? SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** The newest figures per broadcast path. */
  get latest(): ReadonlyMap<string, BroadcastViewerStats> {
    return this.#latest;
  }

  /** Serves `.stats` beside a broadcast until it ends. */
  attach(broadcast: BroadcastProducer): void {
    if (this.#tracks.has(broadcast)) return;
    this.#tracks.set(broadcast, new StatsTrack(broadcast));
    broadcast.onClose(() => this.#tracks.delete(broadcast));
  }

  sample(nowMs = Date.now()): void {
    const { metrics } = this.#options;
    for (const session of this.#options.sessions()) session.sampleLink(nowMs);
    const byBroadcast = new Map<string, Viewing[]>();
    for (const viewing of this.#options.viewings()) {
      const list = byBroadcast.get(viewing.broadcast) ?? [];
      list.push(viewing);
      byBroadcast.set(viewing.broadcast, list);
    }
    const viewers = new Set([...byBroadcast.values()].flat().map((v) => v.session));
    for (const viewer of viewers) if (viewer.link) metrics.observeViewer(viewer.link);
    const latest = new Map<string, BroadcastViewerStats>();
    for (const broadcast of this.#options.broadcasts()) {
      const stats = summarize(broadcast.path, byBroadcast.get(broadcast.path) ?? [], nowMs);
      latest.set(broadcast.path, stats);
      this.#tracks.get(broadcast)?.write(stats);
    }
    this.#latest = latest;
  }

  /** Stops sampling and ends every `.stats` track. Safe to call twice. */
  close(): void {
    clearInterval(this.#timer);
    for (const track of this.#tracks.values()) track.close();
    this.#tracks.clear();
  }
}
