import type { LinkEstimate } from './bandwidth-estimator.js';

export interface SelectorOptions {
  /** Share of the estimated capacity a rendition may use (the rest absorbs bursts). */
  headroom?: number;
  /** Calm time at a rendition before trying the next one up. */
  upHoldMs?: number;
  /** The longest a rendition that failed is held off (the hold doubles per failure). */
  maxHoldMs?: number;
}

/** Why the selector chose what it chose, for logs, stats and tests. */
export type SwitchReason = 'start' | 'congestion' | 'capacity' | 'probe';

export interface Choice {
  /** Index into the ladder given to the constructor. */
  index: number;
  reason: SwitchReason;
}

const DEFAULTS = { headroom: 0.8, upHoldMs: 2000, maxHoldMs: 30_000 };
/** Leaving a rung this soon after reaching it means the step up failed (a probe that hurt). */
const FAILED_STEP_MS = 10_000;
/** A recent RTT this far over the floor (or half the floor, if more) means no room to step up. */
const UP_QUEUE_MS = 30;
/**
 * Sending this far below the rung's (measured) rate, with queueing or loss on the link, means
 * the link cannot carry it even when the RTT signal stays quiet: a congestion-window-limited
 * sender queues in its own buffers, not in the network.
 */
const STARVED_RATIO = 0.7;
/** A full measuring window at the rung before its send rate counts. */
const STARVED_AFTER_MS = 2000;
/**
 * Media waiting in the relay for this long at the rung's rate means the link cannot carry the
 * rung: the viewer's latency grows by the backlog. Longer than a keyframe's burst, which drains.
 */
const BACKLOG_DOWN_S = 0.5;
/** After a step down, congestion with a falling RTT is the old queue draining, for this long. */
const DRAIN_MS = 1500;
/** Any lasting backlog at all: no room to step up. */
const BACKLOG_UP_S = 0.15;
/**
 * Congestion held this long (two samples in a row) cuts the group being sent: waiting for the
 * next group would let up to a whole group of the old rung queue on a link that cannot carry it.
 */
const CUT_CONGESTED_MS = 150;
/** Capacity this many times what showed at a rung's failure: a recovered link, holds reset. */
const RECOVERED_RATIO = 3;

/**
 * Picks a rendition per group for one viewer: down at once on congestion (to what the measured
 * capacity carries), up one rung at a time and carefully — only after a calm hold, and only when
 * a burst showed the capacity or, where none could (an application-limited flow never shows its
 * spare capacity), as a probe: the next group at the higher rung, judged by the congestion it
 * causes. A rung that failed is held off for longer each time (hysteresis).
 */
export class RenditionSelector {
  readonly #bitrates: readonly number[];
  readonly #options: typeof DEFAULTS;
  /** Ladder indexes ordered by bitrate, lowest first. */
  readonly #order: number[];
  #rung: number | undefined;
  #changedAtMs = 0;
  /** Whether the current rung was reached by stepping up (only a step up can fail). */
  #steppedUp = false;
  /** The last step down: when, the RTT then, and the sample it was made on. */
  #lastDown: { atMs: number; rttMs: number; on: LinkEstimate } | undefined;
  /** Per rung that failed: how long it is held off, and the capacity shown when it failed. */
  #holds = new Map<number, FailedRung>();
  /** Measured over announced bitrate (encoders overshoot their targets, audio rides along). */
  #scale = 1;

  constructor(bitratesBps: readonly number[], options: SelectorOptions = {}) {
    this.#bitrates = bitratesBps;
    this.#options = { ...DEFAULTS, ...options };
    this.#order = bitratesBps.map((_, i) => i).sort((a, b) => this.#bitrate(a) - this.#bitrate(b));
  }

  /** The current choice (undefined before the first group). */
  get current(): number | undefined {
    return this.#rung === undefined ? undefined : this.#order[this.#rung];
  }

  /**
   * How far the renditions' real rates run over their announced bitrates, from what was sent
   * (clamped: one odd group cannot make the ladder look free or unaffordable).
   */
  set scale(ratio: number) {
    this.#scale = Math.min(3, Math.max(0.5, ratio));
  }

  /** The rendition for the next group. */
  choose(estimate: LinkEstimate, nowMs: number): Choice {
    if (this.#rung === undefined)
      return this.#set(this.#fitting(estimate.bps) ?? 0, 'start', nowMs);
    if (estimate.congested && this.#rung > 0) return this.#down(estimate, nowMs);
    if (this.#rung > 0 && this.#starved(estimate, nowMs)) return this.#down(estimate, nowMs);
    if (this.#rung > 0 && this.#backlogS(estimate) > BACKLOG_DOWN_S) {
      return this.#down(estimate, nowMs);
    }
    // A smoothed estimate below the rung is a reason only with some strain to back it: an
    // application-limited flow never shows its spare capacity, and on a busy machine quiche's
    // delivery-rate samples run low while the link is idle (the relay left 720p on 10 Mbit/s).
    const fits = this.#fitting(estimate.bps);
    const lower = fits !== undefined && fits < this.#rung && !this.#justChanged(nowMs);
    if (lower && this.#strained(estimate)) return this.#set(fits, 'capacity', nowMs);
    return this.#maybeUp(estimate, nowMs);
  }

  /**
   * Between groups' starts, on each new look at the link: a step down now, when the link is short
   * beyond doubt (congestion held for two samples, or a backlog), else undefined. A step down
   * that just happened is its queue draining, not a new reason.
   */
  cut(estimate: LinkEstimate, nowMs: number): Choice | undefined {
    if (this.#rung === undefined || this.#rung === 0) return undefined;
    if (this.#lastDown && nowMs - this.#lastDown.atMs < DRAIN_MS) return undefined;
    const held = estimate.congested && estimate.congestedForMs >= CUT_CONGESTED_MS;
    if (!held && this.#backlogS(estimate) <= BACKLOG_DOWN_S) return undefined;
    const before = this.current;
    // A cut resends the lower rung's group from its start: aim at what the link carries now.
    const choice = this.#down(estimate, nowMs, estimate.deliveryBps);
    return choice.index === before ? undefined : choice;
  }

  /** One rung down at least, to what the link carried (and `nowBps`, if given, carries now). */
  #down(estimate: LinkEstimate, nowMs: number, nowBps?: number): Choice {
    const from = this.#rung as number;
    // The same sample a step down was just made on (a cut, then the next group's start before
    // the link was looked at again) is no new reason.
    if (this.#draining(estimate, nowMs) || this.#lastDown?.on === estimate) {
      return { index: this.#order[from] as number, reason: 'congestion' };
    }
    this.#lastDown = { atMs: nowMs, rttMs: estimate.rttMs ?? Infinity, on: estimate };
    const base = this.#options.upHoldMs;
    // A rung reached on the way down and left again says nothing against it.
    const failedStep = this.#steppedUp && nowMs - this.#changedAtMs < FAILED_STEP_MS;
    // The hold doubles from what applied on this link (a hold from a slower one is void).
    const shownBps = shownCapacity(estimate);
    const held = this.#holdOf(from, shownBps);
    this.#holds.set(from, {
      holdMs: failedStep ? Math.min(this.#options.maxHoldMs, 2 * held) : base,
      shownBps,
      failedAtMs: nowMs,
    });
    // Under congestion what was sent is what the link carries; the smoothed figure lags.
    const carried = Math.min(
      estimate.bps ?? Infinity,
      estimate.sentBps ?? Infinity,
      nowBps ?? Infinity,
    );
    const fits = this.#fitting(Number.isFinite(carried) ? carried : undefined);
    const target = Math.min(from - 1, fits ?? from - 1);
    return this.#set(Math.max(0, target), 'congestion', nowMs);
  }

  #maybeUp(estimate: LinkEstimate, nowMs: number): Choice {
    const rung = this.#rung as number;
    const keep: Choice = { index: this.#order[rung] as number, reason: 'capacity' };
    const next = rung + 1;
    if (next >= this.#order.length || estimate.congested || queued(estimate)) return keep;
    if (this.#backlogS(estimate) > BACKLOG_UP_S) return keep;
    const shown = shownCapacity(estimate);
    if (!this.#waited(next, shown, nowMs, 1)) return keep;
    const needed = this.#bitrate(this.#order[next] as number) / this.#options.headroom;
    if (shown >= needed) return this.#set(next, 'capacity', nowMs);
    // Nothing showed the capacity: a probe, which costs a group of congestion when it fails,
    // so it waits twice as long.
    if (!this.#waited(next, shown, nowMs, 2)) return keep;
    return this.#set(next, 'probe', nowMs);
  }

  /**
   * Whether `rung` may be tried: a calm hold since the last change and, for a rung that failed,
   * its own hold since it failed. Counting that from the failure, not from the last change, lets
   * a step between lower rungs (back up from the bottom after a recovery) run alongside it
   * instead of starting it over.
   */
  #waited(rung: number, shownBps: number, nowMs: number, times: number): boolean {
    if (nowMs - this.#changedAtMs < times * this.#options.upHoldMs) return false;
    const failed = this.#holds.get(rung);
    if (!failed) return true;
    return nowMs - failed.failedAtMs >= times * this.#holdOf(rung, shownBps);
  }

  /**
   * How long `rung` is held off after it last failed. A rung that failed waits longer each time, but
   * only on the link it failed on: capacity shown now at RECOVERED_RATIO × what showed at its
   * last failure is another link (a drop that ended), and the hold earned on the slow one would
   * keep the viewer low for up to maxHoldMs after it recovered.
   */
  #holdOf(rung: number, shownBps: number): number {
    const failed = this.#holds.get(rung);
    if (!failed) return this.#options.upHoldMs;
    if (failed.shownBps > 0 && shownBps >= RECOVERED_RATIO * failed.shownBps) {
      return this.#options.upHoldMs;
    }
    return failed.holdMs;
  }

  #starved(estimate: LinkEstimate, nowMs: number): boolean {
    const { sentBps } = estimate;
    if (sentBps === undefined || nowMs - this.#changedAtMs < STARVED_AFTER_MS) return false;
    if (!queued(estimate) && estimate.lossRatio <= 0) return false;
    return sentBps < STARVED_RATIO * this.#bitrate(this.#order[this.#rung as number] as number);
  }

  /** A queue, loss or a backlog: evidence that the link, not the sampling, is short. */
  #strained(estimate: LinkEstimate): boolean {
    if (queued(estimate) || estimate.lossRatio > 0) return true;
    return this.#backlogS(estimate) > BACKLOG_UP_S;
  }

  /** The relay's unsent media for this viewer, in seconds of the current rung. */
  #backlogS(estimate: LinkEstimate): number {
    const bitrate = this.#bitrate(this.#order[this.#rung as number] as number);
    return bitrate > 0 ? (estimate.backlogBytes * 8) / bitrate : 0;
  }

  /** The highest rung whose bitrate the capacity carries with headroom. */
  #fitting(bps: number | undefined): number | undefined {
    if (bps === undefined) return undefined;
    let found: number | undefined;
    this.#order.forEach((index, rung) => {
      if (this.#bitrate(index) <= bps * this.#options.headroom) found = rung;
    });
    return found ?? 0;
  }

  /**
   * Just stepped down and the queue is shrinking (RTT below what it was then): the congestion
   * still showing is the queue the last rung built, draining. Stepping down again would leave a
   * rung the link carries (and, at a recovery, hold the top one off for a failed step).
   */
  #draining(estimate: LinkEstimate, nowMs: number): boolean {
    const last = this.#lastDown;
    if (!last || nowMs - last.atMs > DRAIN_MS || estimate.rttMs === undefined) return false;
    return estimate.rttMs < last.rttMs && this.#backlogS(estimate) <= BACKLOG_DOWN_S;
  }

  #justChanged(nowMs: number): boolean {
    return nowMs - this.#changedAtMs < 500;
  }

  #set(rung: number, reason: SwitchReason, nowMs: number): Choice {
    if (rung !== this.#rung) {
      this.#steppedUp = this.#rung !== undefined && rung > this.#rung;
      this.#changedAtMs = nowMs;
    }
    this.#rung = rung;
    return { index: this.#order[rung] as number, reason };
  }

  #bitrate(index: number): number {
    return (this.#bitrates[index] ?? 0) * this.#scale;
  }
}

interface FailedRung {
  holdMs: number;
  /** The capacity the link showed when the rung failed (0: unknown). */
  shownBps: number;
  failedAtMs: number;
}

/** What the link has shown it carries: its smoothed rate or, higher, a burst's. */
function shownCapacity(estimate: LinkEstimate): number {
  return Math.max(estimate.bps ?? 0, estimate.peakBps ?? 0);
}

/** Whether bursts queued at the bottleneck lately: a link with no room to spare. */
function queued(estimate: LinkEstimate): boolean {
  const { minRttMs, recentMaxRttMs } = estimate;
  if (minRttMs === undefined || recentMaxRttMs === undefined) return false;
  return recentMaxRttMs > minRttMs + Math.max(UP_QUEUE_MS, minRttMs / 2);
}
