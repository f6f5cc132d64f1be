import { JitterMargin } from './jitter-margin.js';

/**
 * The real-time playout clock, shared by video and audio so they stay in sync. A frame with
 * presentation time `pts` is due at wall time `pts + offset`. The offset follows the freshest
 * arrivals: the smallest (arrival − pts) seen over a few seconds (per track, the largest of
 * those across tracks), plus a jitter margin measured from how much later than that the
 * frames were ready (JitterMargin), bumped at once when a frame is late. Growing the offset is
 * done at once (a short pause beats a stutter); shrinking it glides, so catching up does not
 * skip — unless playback is far behind (a backlog the network flushed) or in a join's first
 * seconds (its cached group), when it jumps to live.
 */

const WINDOW_MS = 3000;
/** A join's first seconds bring a cached group in a burst: that is not jitter. */
const JOIN_SETTLE_MS = 2000;
/** Catch-up speed: at most this much media time gained per unit of wall time. */
const CATCH_UP_RATE = 0.08;
/** Further behind than this, skip to live at once (a join, or a backlog the network flushed). */
const SKIP_AHEAD_MS = 300;

/** The smallest lag over the last WINDOW_MS of one track's arrivals (a monotonic queue). */
class LagWindow {
  #samples: Array<{ at: number; lag: number }> = [];
  newestAt = -Infinity;

  add(lag: number, at: number): void {
    while ((this.#samples.at(-1)?.lag ?? -Infinity) >= lag) this.#samples.pop();
    this.#samples.push({ at, lag });
    this.newestAt = at;
    while ((this.#samples[0]?.at ?? at) < at - WINDOW_MS) this.#samples.shift();
  }

  get min(): number | undefined {
    return this.#samples[0]?.lag;
  }
}

export class LiveClock {
  readonly #windows = new Map<string, LagWindow>();
  #offsetMs: number | undefined;
  #firstArrivalMs: number | undefined;
  readonly #jitter = new JitterMargin();
  #lastTickAt = 0;
  #outputLatencyMs = 0;

  /**
   * A chunk of `track` with presentation time `ptsMs` arrived at `arrivalMs`
   * (performance.now()). Tracks are windowed apart: the clock follows the track that arrives
   * latest (video usually trails audio by its encoding delay), so every track is on time.
   */
  observe(ptsMs: number, arrivalMs: number, track = 'video'): void {
    let window = this.#windows.get(track);
    if (!window) this.#windows.set(track, (window = new LagWindow()));
    window.add(arrivalMs - ptsMs, arrivalMs);
    this.#firstArrivalMs ??= arrivalMs;
  }

  /**
   * A frame was ready only after its due time: keep a little more margin. Not in a join's first
   * seconds: the cached group's frames decode after their time by design (the clock skips them
   * to live), and bumps taken then lasted 5 s and more (they fade 10 ms/s), the join's first
   * seconds playing 70–80 ms later than the rest.
   */
  late(at = performance.now()): void {
    if (this.#joining(at)) return;
    this.#jitter.late(at);
  }

  /**
   * A video frame with presentation time `ptsMs` was ready to show (arrived and decoded) at
   * `readyAtMs`: how much later than the freshest arrivals is what the margin measures.
   */
  ready(ptsMs: number, readyAtMs = performance.now()): void {
    const floor = this.#lagFloor(readyAtMs);
    if (floor === undefined || this.#firstArrivalMs === undefined || this.#joining(readyAtMs)) {
      return;
    }
    const excessMs = readyAtMs - ptsMs - floor;
    // A backlog (a join's cached group, a flushed queue) is skipped, not waited for: no jitter.
    if (excessMs <= SKIP_AHEAD_MS) this.#jitter.sample(excessMs, readyAtMs);
  }

  /**
   * How long the audio path takes from scheduling to the speaker: every frame is delayed by it
   * too, so audio is never due before it can be heard and video stays in sync with it.
   */
  set outputLatencyMs(ms: number) {
    this.#outputLatencyMs = Math.max(0, Math.min(ms, 500));
  }

  get outputLatencyMs(): number {
    return this.#outputLatencyMs;
  }

  get jitterMs(): number {
    return this.#jitter.ms;
  }

  get started(): boolean {
    return this.#offsetMs !== undefined;
  }

  /** Media time (ms) that is due now, or undefined before anything arrived. */
  nowMs(at = performance.now()): number | undefined {
    const offset = this.#tick(at);
    return offset === undefined ? undefined : at - offset;
  }

  /** Wall time (performance.now()) at which media time `ptsMs` is due. */
  dueAt(ptsMs: number, at = performance.now()): number | undefined {
    const offset = this.#tick(at);
    return offset === undefined ? undefined : ptsMs + offset;
  }

  /** The lag every live track fits in: the largest of the tracks' window minimums. */
  #lagFloor(at: number): number | undefined {
    let floor: number | undefined;
    for (const window of this.#windows.values()) {
      const min = window.min;
      if (min === undefined || window.newestAt < at - WINDOW_MS) continue; // a track gone quiet
      floor = floor === undefined ? min : Math.max(floor, min);
    }
    return floor;
  }

  /**
   * A join's first seconds: the cached group is still arriving in a burst, each of its frames
   * fresher than the last, and the clock follows them to live at once. Gliding (as later) started
   * playback up to SKIP_AHEAD_MS behind and took up to 4 s at CATCH_UP_RATE to reach live: the
   * first 5 s played 35–80 ms later than the rest. The keyframe is on screen already; the frames
   * between it and live are decoded, and skipped.
   */
  #joining(at: number): boolean {
    return this.#firstArrivalMs !== undefined && at - this.#firstArrivalMs < JOIN_SETTLE_MS;
  }

  #tick(at: number): number | undefined {
    const lag = this.#lagFloor(at);
    if (lag === undefined) return this.#offsetMs;
    this.#jitter.tick(at);
    const target = lag + this.#jitter.ms + this.#outputLatencyMs;
    const elapsed = Math.max(0, at - this.#lastTickAt);
    this.#lastTickAt = at;
    const behind = this.#offsetMs === undefined ? Infinity : this.#offsetMs - target;
    if (behind < 0 || behind > SKIP_AHEAD_MS || this.#joining(at)) this.#offsetMs = target;
    else this.#offsetMs = Math.max(target, (this.#offsetMs ?? target) - elapsed * CATCH_UP_RATE);
    return this.#offsetMs;
  }
}
