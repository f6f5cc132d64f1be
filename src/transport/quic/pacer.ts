/**
 * Spreads a connection's packets over time instead of sending a congestion window at once.
 *
 * quiche computes a send time for every packet (`SendInfo.at`) but the binding hands it to
 * JavaScript as an opaque value, so the connection paces itself: a token bucket filled at
 * `gain × cwnd / smoothed RTT`, or 1.25 × the delivery rate if higher. A whole window then leaves
 * over ≈ 1/gain of a round trip rather than in one burst that a shallow router queue (a home
 * uplink, a Wi-Fi hop) drops the tail of — the burst a keyframe fanned out to many viewers makes.
 * The rate comes from quiche's path statistics, refreshed at most every REFRESH_MS and only when
 * the bucket would not refill on its own (each read is an N-API call and an allocation). On a
 * short path (loopback, a LAN) the rate is so high that little is held back, unless a loaded
 * host's event loop stretches the measured RTT.
 *
 * The pacer must never be what limits a connection's throughput for long: the controller's
 * bandwidth estimate comes from what was delivered, so a pacer below it lowers the estimate, the
 * estimate lowers the window, the window lowers the rate — a spiral that took a 3 MB loopback
 * transfer on a loaded host from 0.5 s to 25 s. Hence a gain of at least 1 on the window (it never
 * holds a window back past its round trip) and 1.25 on the delivery rate (it always leaves room
 * above what the path just carried).
 */

/** Where the pacer reads the congestion controller's state (QuicConnection: quiche's path stats). */
export interface PathWindow {
  cwndBytes: number;
  /** Smoothed round-trip time in milliseconds. */
  rttMs: number;
  /** quiche's latest delivery-rate sample (0 before the first). */
  deliveryRateBytesPerSec: number;
}

export interface PacerOptions {
  /**
   * Rate = gain × cwnd / RTT, gain ≥ 1 (a lower one is raised to 1): above 1 for a controller that
   * keeps one bandwidth-delay product in flight, so that it, never the pacer, limits throughput
   * (pacingFor picks the gain).
   */
  gain?: number;
  /** Bytes that may leave back to back however low the rate (quiche's initial window: 10 packets). */
  minBurstBytes?: number;
  /** The bucket's depth in time at the current rate (Node's timers are millisecond-grained). */
  burstMs?: number;
}

const PACER_DEFAULTS = { gain: 1.25, minBurstBytes: 10 * 1350, burstMs: 2 } as const;
/** How long a rate read from quiche stays in use. */
const REFRESH_MS = 25;
/**
 * …while data waits on it: a new connection's window doubles every round trip (slow start), and a
 * rate 25 ms old would pace a join's first group at a fraction of what the path already carries.
 */
const HELD_REFRESH_MS = 2;
/** Longest wait before the next packet: a stale rate must not stall a connection for long. */
const MAX_WAIT_MS = 20;
/** Most time a late timer is credited for after a hold (beyond it, the excess is a burst). */
const MAX_CREDIT_MS = 50;
/** Room above the latest delivery-rate sample, as BBR's probing gain: the rate can always grow. */
const DELIVERY_GAIN = 1.25;
/**
 * quiche's smoothed RTT reaches JavaScript in whole milliseconds, rounded down: 0 on loopback.
 * The middle of that millisecond stands for it.
 */
const RTT_ROUNDING_MS = 0.5;

export class Pacer {
  #gain: number;
  #minBurstBytes: number;
  #burstMs: number;
  #read: () => PathWindow | undefined;
  #rateBytesPerMs = Infinity;
  #refreshedAtMs = -Infinity;
  #tokens: number;
  #filledAtMs = 0;
  /** Data was held back: the time until the next fill was the pacer's, so it is all credited. */
  #held = false;
  /** Times a flush stopped early because the bucket was empty (for stats and tests). */
  holds = 0;

  constructor(read: () => PathWindow | undefined, options: PacerOptions = {}) {
    this.#read = read;
    this.#gain = Math.max(1, options.gain ?? PACER_DEFAULTS.gain);
    this.#minBurstBytes = options.minBurstBytes ?? PACER_DEFAULTS.minBurstBytes;
    this.#burstMs = options.burstMs ?? PACER_DEFAULTS.burstMs;
    this.#tokens = this.#minBurstBytes;
  }

  /** Bytes per millisecond the pacer lets out now (Infinity before the first RTT sample). */
  get rateBytesPerMs(): number {
    return this.#rateBytesPerMs;
  }

  /** Bytes that may leave now, the bucket filled up to `nowMs` first. */
  allowance(nowMs: number): number {
    if (this.#stale(nowMs) && (this.#held || !this.#full(nowMs))) this.#refresh(nowMs);
    const elapsedMs = Math.max(0, nowMs - this.#filledAtMs);
    this.#filledAtMs = nowMs;
    if (this.#rateBytesPerMs === Infinity) return (this.#tokens = Infinity);
    // After a hold, the whole wait is credited: a timer that fired late (a busy event loop) must
    // not lower the average rate below the one set.
    const creditMs = this.#held ? Math.min(elapsedMs, MAX_CREDIT_MS) : elapsedMs;
    const depth = this.#held ? Infinity : this.#depthBytes();
    this.#tokens = Math.min(this.#tokens + creditMs * this.#rateBytesPerMs, depth);
    this.#held = false;
    return this.#tokens;
  }

  #stale(nowMs: number): boolean {
    return nowMs - this.#refreshedAtMs >= (this.#held ? HELD_REFRESH_MS : REFRESH_MS);
  }

  /**
   * The bucket refills to its depth by `nowMs` at the rate in use: the rate then decides nothing
   * for this flush, and reading quiche's path stats (an N-API call that builds an array of
   * objects, ≈ 5 % of a relay's CPU at 100 viewers) can wait until data drains it.
   */
  #full(nowMs: number): boolean {
    if (this.#rateBytesPerMs === Infinity) return false;
    const creditBytes = Math.max(0, nowMs - this.#filledAtMs) * this.#rateBytesPerMs;
    return this.#tokens + creditBytes >= this.#depthBytes();
  }

  /** Takes `sizeBytes` from the bucket (it may go below zero by the last packet's size). */
  spend(sizeBytes: number): void {
    this.#tokens -= sizeBytes;
  }

  /** Milliseconds until the bucket holds a packet again; marks the connection as held back. */
  holdMs(): number {
    this.#held = true;
    this.holds++;
    const deficitBytes = Math.max(1, -this.#tokens + 1);
    return Math.min(MAX_WAIT_MS, Math.max(1, Math.ceil(deficitBytes / this.#rateBytesPerMs)));
  }

  #depthBytes(): number {
    return Math.max(this.#minBurstBytes, this.#rateBytesPerMs * this.#burstMs);
  }

  #refresh(nowMs: number): void {
    this.#refreshedAtMs = nowMs;
    const window = this.#read();
    if (!window || !(window.rttMs >= 0) || !(window.cwndBytes > 0)) return;
    const fromInfinity = this.#rateBytesPerMs === Infinity;
    // A new connection's smoothed RTT starts from its handshake's, which a busy host stretches
    // (certificate work, a loaded event loop); the delivery rate then shows what the path
    // already carries, and keeps a join's first group from being paced below it.
    const windowRate = (this.#gain * window.cwndBytes) / (window.rttMs + RTT_ROUNDING_MS);
    const deliveredRate = (DELIVERY_GAIN * window.deliveryRateBytesPerSec) / 1000;
    this.#rateBytesPerMs = Math.max(windowRate, deliveredRate);
    if (fromInfinity) this.#tokens = this.#depthBytes();
  }
}
