/** The transport figures the estimator reads (QUIC has them; QMux over TCP does not). */
export interface LinkStats {
  rttMs: number;
  deliveryRateBytesPerSec: number;
  bytesSent: number;
  packetsSent: number;
  packetsLost: number;
  /** Bytes declared lost (sent again later, so counted twice in bytesSent). */
  bytesLost?: number;
}

/** What the relay believes about one viewer's link right now. */
export interface LinkEstimate {
  /** Smoothed capacity estimate in bits/s, undefined until the transport has said anything. */
  bps: number | undefined;
  /** The highest recent delivery-rate sample (bursts such as keyframes show spare capacity). */
  peakBps: number | undefined;
  /**
   * What actually went out over the last second, unsmoothed: under congestion this is what the
   * link carries (delivery-rate samples can still show bursts the bottleneck let through).
   */
  sentBps: number | undefined;
  /**
   * quiche's latest delivery-rate sample: under congestion, what the link carries right now (the
   * one-second send figure still holds the time before a drop, and counts what the bottleneck
   * then dropped).
   */
  deliveryBps: number | undefined;
  rttMs: number | undefined;
  minRttMs: number | undefined;
  /**
   * The highest RTT over the last seconds. Above the floor it shows a queue at the bottleneck
   * even when the average looks calm: keyframe bursts queue on a link that is nearly full and
   * pass straight through one with room — the sign that stepping up is safe.
   */
  recentMaxRttMs: number | undefined;
  /** Packets lost over sent, over the last sampling window. */
  lossRatio: number;
  /** A queue is building (RTT well above its floor) or packets are being lost. */
  congested: boolean;
  /**
   * How long `congested` has held: from the first of the samples in a row that showed it to this
   * one (0 for a single sample, or when calm). One sample can be a keyframe's burst; several in a
   * row are the link.
   */
  congestedForMs: number;
  /**
   * Media handed to this viewer's session that has not gone out yet, beyond the least seen
   * lately, held for two samples in a row (a keyframe's burst drains within one on a link with
   * room). A congestion-window-limited sender queues here, in the relay, where the RTT never
   * shows it. 0 where nothing was counted.
   */
  backlogBytes: number;
}

const SMOOTHING = 0.3;
/** Bursts older than this say nothing of the link now (a drop may have come since). */
const PEAK_WINDOW_MS = 2500;
const LOSS_CONGESTED = 0.02;
/** RTT above the floor by this much (and by this factor) means a standing queue. */
const QUEUE_MS = 40;
const SENT_WINDOW_MS = 1000;
const RECENT_RTT_MS = 3000;
const QUEUE_FACTOR = 2;
/** How far back the least backlog is looked for (a dropped group's bytes leave it after this). */
const BACKLOG_WINDOW_MS = 5000;

/**
 * Turns a session's transport figures, sampled a few times a second, into a capacity estimate:
 * the larger of quiche's delivery rate and the measured send throughput, smoothed (single
 * samples are volatile), plus congestion signals — RTT inflation over its floor and loss —
 * which react within a sample or two of a link getting worse.
 */
export class BandwidthEstimator {
  #bps: number | undefined;
  #peaks: Array<{ atMs: number; bps: number }> = [];
  #sent: Array<{ atMs: number; bytes: number; elapsedMs: number }> = [];
  #rtts: Array<{ atMs: number; rttMs: number }> = [];
  #minRttMs: number | undefined;
  #last: { atMs: number; stats: LinkStats } | undefined;
  /** Forwarded minus sent, per sample: its rise over the window's least is the backlog. */
  #deficits: Array<{ atMs: number; bytes: number }> = [];
  #previousBacklog = 0;
  #estimate: LinkEstimate = {
    bps: undefined,
    peakBps: undefined,
    sentBps: undefined,
    deliveryBps: undefined,
    rttMs: undefined,
    minRttMs: undefined,
    recentMaxRttMs: undefined,
    lossRatio: 0,
    congested: false,
    congestedForMs: 0,
    backlogBytes: 0,
  };
  /** When the current run of congested samples began. */
  #congestedSinceMs: number | undefined;

  get estimate(): LinkEstimate {
    return this.#estimate;
  }

  /**
   * One sample of the transport's figures; `forwardedBytes` counts (from the start, like
   * `bytesSent`) the media the relay handed to this session for sending.
   */
  observe(stats: LinkStats | undefined, nowMs: number, forwardedBytes = 0): LinkEstimate {
    if (!stats) return this.#estimate;
    const last = this.#last;
    this.#last = { atMs: nowMs, stats };
    if (!last || nowMs <= last.atMs) return this.#estimate;
    const elapsedS = (nowMs - last.atMs) / 1000;
    const sentBytes = stats.bytesSent - last.stats.bytesSent;
    const throughputBps = (sentBytes * 8) / elapsedS;
    this.#sent.push({ atMs: nowMs, bytes: sentBytes, elapsedMs: nowMs - last.atMs });
    this.#sent = this.#sent.filter((s) => nowMs - s.atMs < SENT_WINDOW_MS);
    const windowMs = this.#sent.reduce((sum, s) => sum + s.elapsedMs, 0);
    const sentBps = (this.#sent.reduce((sum, s) => sum + s.bytes, 0) * 8 * 1000) / windowMs;
    const deliveryBps = stats.deliveryRateBytesPerSec * 8;
    const sample = Math.max(throughputBps, deliveryBps);
    this.#bps = this.#bps === undefined ? sample : this.#bps + SMOOTHING * (sample - this.#bps);
    this.#peaks.push({ atMs: nowMs, bps: deliveryBps });
    this.#peaks = this.#peaks.filter((p) => nowMs - p.atMs <= PEAK_WINDOW_MS);
    if (stats.rttMs > 0) this.#minRttMs = Math.min(this.#minRttMs ?? Infinity, stats.rttMs);
    this.#rtts.push({ atMs: nowMs, rttMs: stats.rttMs });
    this.#rtts = this.#rtts.filter((r) => nowMs - r.atMs <= RECENT_RTT_MS);
    const sent = stats.packetsSent - last.stats.packetsSent;
    const lost = stats.packetsLost - last.stats.packetsLost;
    const lossRatio = sent > 0 ? Math.max(0, lost) / sent : 0;
    const floor = this.#minRttMs ?? stats.rttMs;
    const queueing = stats.rttMs > floor * QUEUE_FACTOR && stats.rttMs > floor + QUEUE_MS;
    const congested = queueing || lossRatio > LOSS_CONGESTED;
    // Bursts seen before the link got worse say nothing about it now.
    if (congested) this.#peaks = this.#peaks.slice(-1);
    this.#congestedSinceMs = congested ? (this.#congestedSinceMs ?? nowMs) : undefined;
    this.#estimate = {
      bps: this.#bps,
      peakBps: Math.max(...this.#peaks.map((p) => p.bps)),
      sentBps,
      deliveryBps,
      rttMs: stats.rttMs,
      minRttMs: this.#minRttMs,
      recentMaxRttMs: Math.max(...this.#rtts.map((r) => r.rttMs)),
      lossRatio,
      congested,
      congestedForMs: this.#congestedSinceMs === undefined ? 0 : nowMs - this.#congestedSinceMs,
      // Lost bytes go out again: counted as sent, they would hide the backlog they add to.
      backlogBytes: this.#backlog(
        forwardedBytes - (stats.bytesSent - (stats.bytesLost ?? 0)),
        nowMs,
      ),
    };
    return this.#estimate;
  }

  /**
   * Sent bytes include headers, retransmissions and other tracks, so the deficit itself drifts;
   * only its rise over the recent least means the session sends slower than it is fed.
   */
  #backlog(deficitBytes: number, nowMs: number): number {
    this.#deficits.push({ atMs: nowMs, bytes: deficitBytes });
    this.#deficits = this.#deficits.filter((d) => nowMs - d.atMs <= BACKLOG_WINDOW_MS);
    const least = Math.min(...this.#deficits.map((d) => d.bytes));
    const now = deficitBytes - least;
    const held = Math.min(now, this.#previousBacklog);
    this.#previousBacklog = now;
    return held;
  }
}
