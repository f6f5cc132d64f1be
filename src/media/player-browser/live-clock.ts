/**
 * The real-time playout clock, shared by video and audio so they stay in sync. A frame with
 * presentation time `pts` is due at wall time `pts + offset`. The offset follows the freshest
 * arrivals: the smallest (arrival − pts) seen over a few seconds (per track, the largest of
 * those across tracks), plus a small jitter margin
 * that grows when frames come late and shrinks while they do not. Growing the offset is done at
 * once (a short pause beats a stutter); shrinking it glides, so catching up does not skip —
 * unless playback is far behind (a join into a cached group), when it jumps to live.
 */

const WINDOW_MS = 3000;
const MIN_JITTER_MS = 30;
const MAX_JITTER_MS = 200;
const JITTER_STEP_MS = 15;
const JITTER_DECAY_AFTER_MS = 5000;
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
  #jitterMs = MIN_JITTER_MS;
  #lastLateAt = 0;
  #lastDecayAt = 0;
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
  }

  /** A frame was ready only after its due time: keep a little more margin. */
  late(at = performance.now()): void {
    if (at - this.#lastLateAt < 250) return; // one burst of lateness is one step
    this.#lastLateAt = at;
    this.#jitterMs = Math.min(MAX_JITTER_MS, this.#jitterMs + JITTER_STEP_MS);
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
    return this.#jitterMs;
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

  #tick(at: number): number | undefined {
    const lag = this.#lagFloor(at);
    if (lag === undefined) return this.#offsetMs;
    this.#decay(at);
    const target = lag + this.#jitterMs + this.#outputLatencyMs;
    const elapsed = Math.max(0, at - this.#lastTickAt);
    this.#lastTickAt = at;
    const behind = this.#offsetMs === undefined ? Infinity : this.#offsetMs - target;
    if (behind < 0 || behind > SKIP_AHEAD_MS) this.#offsetMs = target;
    else this.#offsetMs = Math.max(target, (this.#offsetMs ?? target) - elapsed * CATCH_UP_RATE);
    return this.#offsetMs;
  }

  #decay(at: number): void {
    if (at - this.#lastLateAt < JITTER_DECAY_AFTER_MS) return;
    if (at - this.#lastDecayAt < 1000) return;
    this.#lastDecayAt = at;
    this.#jitterMs = Math.max(MIN_JITTER_MS, this.#jitterMs - 5);
  }
}
