/**
 * The live clock's margin over the freshest arrivals, from measured jitter: how much later than
 * the freshest frame each frame was ready to show (arrived and decoded). The margin covers a
 * high quantile of that over the last few seconds plus a little; a frame still late bumps it at
 * once (a burst the window has not weighed yet), and the bump fades a few seconds after frames
 * are on time again, so a lone late keyframe shows a frame late instead of delaying every frame
 * for good. A steady link gets a small margin, a jittery one the margin it needs.
 *
 * Margin no longer needed is let go slowly at first, so jitter that comes back within seconds
 * finds it still there, and faster the longer it stays unneeded (the rate doubles every
 * LET_GO_DOUBLING_MS). With a constant slow fall, one stall of the page's main thread at a join
 * (every frame late together for half a second) held 150 ms of extra latency for ≈ 30 s.
 */

/** Frames looked at: ≈ 5 s at 30 fps, so a 1 s GOP's keyframes are several of them. */
const WINDOW_FRAMES = 150;
/** Below this many frames the jitter is not known yet: the margin starts at INITIAL_MS. */
const MIN_FRAMES = 30;
/** Covers all but the latest 5 % (a 1 s GOP's keyframes are ≈ 3 % of frames). */
const QUANTILE = 0.95;
/** Room for rendering at the next display refresh and for measurement noise. */
const SAFETY_MS = 5;
export const INITIAL_JITTER_MS = 30;
/**
 * Never less: a CPU hiccup of a few tens of ms (a busy device) must not freeze the picture, and
 * the decode-capacity check reads freezes as "this device cannot decode this rendition".
 */
export const MIN_JITTER_MS = 30;
export const MAX_JITTER_MS = 200;
export const LATE_STEP_MS = 15;
/** Bumps fade by this much a second (at first) once no frame was late for BUMP_FADE_AFTER_MS. */
const BUMP_FADE_MS_PER_S = 10;
const BUMP_FADE_AFTER_MS = 3000;

/**
 * The measured margin rises at once but falls at first at most this fast: a spike leaving the
 * window must not pull the clock forward in one step (frames would be dropped on the way).
 */
const FALL_MS_PER_S = 5;
/** Unneeded margin is let go twice as fast after each this long. */
const LET_GO_DOUBLING_MS = 3000;
/** Never faster than the live clock catches up (LiveClock's CATCH_UP_RATE: 80 ms a second). */
const MAX_LET_GO_MS_PER_S = 80;

/** How much margin to let go over `elapsedMs`, `unneededMs` after it was last needed. */
function letGoMs(baseMsPerS: number, unneededMs: number, elapsedMs: number): number {
  const rate = baseMsPerS * 2 ** (Math.max(0, unneededMs) / LET_GO_DOUBLING_MS);
  return (Math.min(MAX_LET_GO_MS_PER_S, rate) * Math.max(0, elapsedMs)) / 1000;
}

export class JitterMargin {
  #excess: number[] = [];
  #measuredMs: number | undefined;
  #sampledAt: number | undefined;
  /** When the measured target last reached the margin held (it was needed then). */
  #neededAt = -Infinity;
  #bumpMs = 0;
  #lastLateAt = -Infinity;
  #lastFadeAt = -Infinity;
  /** A frame was ready `excessMs` after the freshest arrivals would have had it, at `at`. */
  sample(excessMs: number, at: number): void {
    this.#excess.push(Math.max(0, excessMs));
    if (this.#excess.length > WINDOW_FRAMES) this.#excess.shift();
    const elapsedMs = Math.max(0, at - (this.#sampledAt ?? at));
    this.#sampledAt = at;
    if (this.#excess.length < MIN_FRAMES) return;
    const sorted = [...this.#excess].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.floor(QUANTILE * sorted.length));
    const target = (sorted[index] ?? 0) + SAFETY_MS;
    const previous = this.#measuredMs ?? target;
    if (target >= previous) {
      this.#measuredMs = target;
      this.#neededAt = at;
      return;
    }
    const fallMs = letGoMs(FALL_MS_PER_S, at - this.#neededAt, elapsedMs);
    this.#measuredMs = Math.max(target, previous - fallMs);
  }

  /** A frame was ready only after its due time: more margin now, one step per burst. */
  late(at: number): void {
    if (at - this.#lastLateAt < 250) return;
    this.#lastLateAt = at;
    this.#bumpMs += LATE_STEP_MS;
  }

  /** Fades the bumps once frames have been on time for a while. */
  tick(at: number): void {
    if (this.#bumpMs === 0 || at - this.#lastLateAt < BUMP_FADE_AFTER_MS) return;
    const elapsedMs = Math.min(1000, at - Math.max(this.#lastFadeAt, this.#lastLateAt));
    this.#lastFadeAt = at;
    const unneededMs = at - this.#lastLateAt - BUMP_FADE_AFTER_MS;
    this.#bumpMs = Math.max(0, this.#bumpMs - letGoMs(BUMP_FADE_MS_PER_S, unneededMs, elapsedMs));
  }

  get ms(): number {
    const base = this.#measuredMs ?? INITIAL_JITTER_MS;
    return Math.min(MAX_JITTER_MS, Math.max(MIN_JITTER_MS, base + this.#bumpMs));
  }

  /** The measured part alone (undefined until enough frames were seen). */
  get measuredMs(): number | undefined {
    return this.#measuredMs;
  }
}
