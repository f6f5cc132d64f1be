import { dropRatio, tooHeavyToDecode, type AbrRung } from './abr-controller.js';

/**
 * The highest rendition this device decodes in real time, learnt while playing. The relay
 * chooses from the network alone; it cannot see a viewer's CPU, so with Auto (relay) the player
 * offers only the renditions it can decode. The offer starts at the small rungs (up to one above
 * where Auto (player) starts) and widens to a taller rung once the decoder's measured busy time, scaled by
 * the pixels, says it fits — a relay on a fast link would otherwise climb straight to a rung the
 * device cannot decode and the latency would grow before the drops showed it. A rendition that
 * made the decoder fall behind (playback skipped ahead) is held off for minutes; one that
 * dropped many frames, or skipped within seconds of a step up to it, for half a minute; each
 * hold doubles when the rendition fails again.
 */

export interface DecodeSample {
  /** Frames dropped and rendered since the previous sample (about a second). */
  dropped: number;
  rendered: number;
  /** The decoder fell behind and playback skipped to the next keyframe. */
  skipped: boolean;
  /** Playback waited for media (a network matter, not the decoder's): drops then say nothing. */
  stalled: boolean;
  /** Share of the time the video decoder was busy lately, when measured. */
  decodeLoad?: number;
}

const HOLD_SKIPPED_MS = 300_000;
const HOLD_DROPPING_MS = 30_000;
/**
 * Samples (≈ seconds) after a step up in which a skip holds only as long as drops do: the new
 * rendition's first group comes at its higher bitrate while the old one's frames are still
 * being decoded, and one busy moment then makes a single skip. A device that is really too slow
 * skips again at the retry, and the hold doubles each time.
 */
const AFTER_STEP_UP_SAMPLES = 5;
const MAX_HOLD_MS = 600_000;
/** Samples looked at, and the share of frames dropped over them that means "too heavy". */
const WINDOW = 3;
const DROP_RATIO = 0.25;
/** After the network stalled, the catch-up burst makes drops and skips of its own for a while. */
const AFTER_STALL_MS = 5000;
/**
 * Skips ahead this many times within SKIP_WINDOW_MS at one rendition mean the decoder, not the
 * network, is short — even when each skip looked like a stall (playback waits for the keyframe
 * it skipped to, which the stall grace would otherwise excuse for ever).
 */
const REPEATED_SKIPS = 2;
const SKIP_WINDOW_MS = 15_000;
/** Samples in a row whose decoder load says a taller rung fits before the offer widens to it. */
const WIDEN_AFTER = 2;
/**
 * The decoder load predicted for a rung it widens to. Stricter than Auto (player)'s step up: the
 * relay then moves on the network alone, with no drop feedback of its own, and the browser's
 * other per-pixel work (scaling, compositing) shares the same CPU.
 */
const WIDEN_MAX_LOAD = 0.5;

export class DecodeCapacity {
  #rungs: AbrRung[] = [];
  /** Highest index the device has shown it can decode (lowest bitrate = 0). */
  #reach = Infinity;
  #fitting = 0;
  /** Highest decodable index after a failure; undefined = none held off. */
  #limit: number | undefined;
  #until = -Infinity;
  #holdMs = new Map<number, number>();
  #window: DecodeSample[] = [];
  #stalledAtMs = -Infinity;
  /** The rendition the join's grace excuses; undefined after a network stall (it excuses all). */
  #graceIndex: number | undefined;
  /** The rendition the sample window was taken at. */
  #windowIndex = -1;
  /** Samples taken since the rendition last changed. */
  #atIndex = 0;
  /** The rendition playing was reached by a step up (not the join, not a step down). */
  #steppedUp = false;
  /** When playback skipped ahead lately, and at which rendition. */
  #skips: Array<{ atMs: number; index: number }> = [];

  /**
   * The ladder, lowest first, and where the offer starts (`startIndex`). Called again when the
   * catalog changes: what was learnt is kept.
   */
  setRungs(rungs: AbrRung[], startIndex: number): void {
    const first = this.#rungs.length === 0;
    this.#rungs = rungs;
    const unknownSizes = rungs.some((r) => !r.height);
    // One rung above the start: the relay has a choice from the first group (a set of one would
    // be the player's pick, and widening it later costs a new subscription).
    if (first) this.#reach = unknownSizes ? Infinity : Math.max(0, startIndex) + 1;
  }

  /**
   * The highest index to offer, or undefined when every rung is: a failure's hold (lifted once
   * it ran out — the device may have been busy then) or the reach not yet shown.
   */
  limit(nowMs: number): number | undefined {
    if (this.#limit !== undefined && nowMs >= this.#until) this.#limit = undefined;
    const limit = Math.min(this.#limit ?? Infinity, this.#reach);
    return limit >= this.#rungs.length - 1 ? undefined : limit;
  }

  /**
   * One sample while rendition `index` plays; returns true when the limit just changed (the
   * offer to the relay must shrink).
   */
  observe(index: number, sample: DecodeSample, nowMs: number): boolean {
    // The join's catch-up burst decodes in a rush too: the first seconds count like a stall —
    // for the rendition it joined at only. A switch after the join (the relay moves at a group
    // boundary, with no burst) is judged at once: latency grows while a grace waits.
    // A step down (the relay's, on congestion) means the network was short: the late frames of
    // the catch-up that follows are dropped, and say nothing about the decoder either.
    const network = sample.stalled || (this.#windowIndex !== -1 && index < this.#windowIndex);
    if (this.#stalledAtMs === -Infinity) this.#graceIndex = index;
    if (network) this.#graceIndex = undefined;
    if (network || this.#stalledAtMs === -Infinity) this.#stalledAtMs = nowMs;
    // Drops at the previous rendition say nothing about this one.
    if (index !== this.#windowIndex) {
      this.#steppedUp = this.#windowIndex !== -1 && index > this.#windowIndex;
      this.#window = [];
      this.#atIndex = 0;
    }
    this.#windowIndex = index;
    this.#atIndex++;
    this.#window.push(sample);
    if (this.#window.length > WINDOW) this.#window.shift();
    // A catch-up burst only makes the decoder look busier, never lighter: widening needs no grace.
    if (this.#widen(index, sample)) return true;
    if (sample.skipped) this.#skips.push({ atMs: nowMs, index });
    this.#skips = this.#skips.filter((s) => nowMs - s.atMs <= SKIP_WINDOW_MS && s.index === index);
    const skipping = index > 0 && this.#skips.length >= REPEATED_SKIPS;
    if (!skipping && (index === 0 || this.#inGrace(index, nowMs))) return false;
    // The second a switch happened in mixes both renditions: drops need a clean one too.
    const dropping = this.#atIndex >= 2 && dropRatio(this.#window) > DROP_RATIO;
    const tooHeavy = skipping || sample.skipped || dropping;
    if (!tooHeavy) return false;
    this.#skips = [];
    const justUp = this.#steppedUp && this.#atIndex <= AFTER_STEP_UP_SAMPLES;
    const base = sample.skipped && !justUp ? HOLD_SKIPPED_MS : HOLD_DROPPING_MS;
    const holdMs = Math.min(MAX_HOLD_MS, (this.#holdMs.get(index) ?? base / 2) * 2);
    this.#holdMs.set(index, holdMs);
    this.#limit = index - 1;
    this.#until = nowMs + holdMs;
    this.#window = [];
    return true;
  }

  #inGrace(index: number, nowMs: number): boolean {
    if (nowMs - this.#stalledAtMs >= AFTER_STALL_MS) return false;
    return this.#graceIndex === undefined || this.#graceIndex === index;
  }

  /** Widens the reach to the tallest rung the measured load says fits, after a few samples. */
  #widen(index: number, sample: DecodeSample): boolean {
    const current = this.#rungs[index];
    if (!current || this.#reach >= this.#rungs.length - 1) return false;
    let fits = this.#reach;
    for (let up = fits + 1; up < this.#rungs.length; up++) {
      if (sample.decodeLoad === undefined || sample.stalled) break;
      if (tooHeavyToDecode(current, this.#rungs[up] as AbrRung, sample.decodeLoad, WIDEN_MAX_LOAD))
        break;
      fits = up;
    }
    this.#fitting = fits > this.#reach ? this.#fitting + 1 : 0;
    if (this.#fitting < WIDEN_AFTER) return false;
    this.#reach = fits;
    this.#fitting = 0;
    return true;
  }
}
