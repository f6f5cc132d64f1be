import type { BroadcastProducer, MoqSession, SwitchingSetEntry } from '../../moq/index.js';
import { BandwidthEstimator, type LinkStats, type SwitchingTrack } from '../abr/index.js';

/** One viewer's link as last sampled (once a second), for viewer figures and histograms. */
export interface ViewerLink {
  rttMs: number;
  /** Packets lost over sent in the last sampling window. */
  lossRatio: number;
  /** QUIC's own delivery-rate estimate (quiche), bits/s. */
  deliveryRateBps: number;
  /** What actually went out to this viewer over the last second, bits/s. */
  sentBps: number | undefined;
}

/** A switching set the relay serves to this session (server-side ABR). */
export interface SwitchingViewing {
  broadcast: BroadcastProducer;
  entries: readonly SwitchingSetEntry[];
  track: SwitchingTrack;
}

export interface SessionRecordInit {
  id: number;
  transport: string;
  protocol: string;
  session: MoqSession;
  stats: () => LinkStats | undefined;
  /** The session's switching sets, kept by `trackSwitching` (it may start before the record). */
  switching: ReadonlySet<SwitchingViewing>;
}

/** Keeps a switching set in `views` until its output track ends. */
export function trackSwitching(views: Set<SwitchingViewing>, viewing: SwitchingViewing): void {
  views.add(viewing);
  const drop = (): void => void views.delete(viewing);
  viewing.track.consumer.closed.then(drop, drop);
}

/**
 * What the relay's metrics know about one open session: its labels, its MoQ session (counters
 * and the subscriptions it serves), its switching sets, and its link as last sampled. Owns no
 * resources: the relay drops it when the session closes.
 */
export class SessionRecord {
  readonly id: number;
  readonly transport: string;
  readonly protocol: string;
  readonly session: MoqSession;
  readonly #stats: () => LinkStats | undefined;
  readonly #estimator = new BandwidthEstimator();
  readonly #switching: ReadonlySet<SwitchingViewing>;
  #link: ViewerLink | undefined;

  constructor(init: SessionRecordInit) {
    this.id = init.id;
    this.transport = init.transport;
    this.protocol = init.protocol;
    this.session = init.session;
    this.#stats = init.stats;
    this.#switching = init.switching;
  }

  get version(): number {
    return this.session.version;
  }

  get switching(): ReadonlySet<SwitchingViewing> {
    return this.#switching;
  }

  /** The link as of the last `sampleLink` (undefined before it, and over QMux/TCP). */
  get link(): ViewerLink | undefined {
    return this.#link;
  }

  /** Reads the transport's figures (the sampler calls this once a second). */
  sampleLink(nowMs: number): ViewerLink | undefined {
    const stats = this.#stats();
    if (!stats) return (this.#link = undefined);
    const estimate = this.#estimator.observe(stats, nowMs);
    this.#link = {
      rttMs: stats.rttMs,
      lossRatio: estimate.lossRatio,
      deliveryRateBps: stats.deliveryRateBytesPerSec * 8,
      sentBps: estimate.sentBps,
    };
    return this.#link;
  }
}
