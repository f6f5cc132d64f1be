import { dropRatio } from './abr-controller.js';

/**
 * The highest rendition this device decodes in real time, learnt while playing. The relay
 * chooses from the network alone; it cannot see a viewer's CPU, so with Auto (relay) the player
 * narrows the switching set it offers to what it can decode. A rendition that made the decoder
 * fall behind (playback skipped ahead) is held off for minutes; one that dropped many frames
 * for half a minute, doubling each time it fails again.
 */

export interface DecodeSample {
  /** Frames dropped and rendered since the previous sample (about a second). */
  dropped: number;
  rendered: number;
  /** The decoder fell behind and playback skipped to the next keyframe. */
  skipped: boolean;
  /** Playback waited for media (a network matter, not the decoder's): drops then say nothing. */
  stalled: boolean;
}

const HOLD_SKIPPED_MS = 300_000;
const HOLD_DROPPING_MS = 30_000;
const MAX_HOLD_MS = 600_000;
/** Samples looked at, and the share of frames dropped over them that means "too heavy". */
const WINDOW = 3;
const DROP_RATIO = 0.25;
/** After the network stalled, the catch-up burst makes drops and skips of its own for a while. */
const AFTER_STALL_MS = 5000;

export class DecodeCapacity {
  /** Highest decodable index (lowest bitrate = 0); undefined = no limit known. */
  #limit: number | undefined;
  #until = -Infinity;
  #holdMs = new Map<number, number>();
  #window: DecodeSample[] = [];
  #stalledAtMs = -Infinity;

  /** The current limit, lifted once its hold ran out (the device may have been busy then). */
  limit(nowMs: number): number | undefined {
    if (this.#limit !== undefined && nowMs >= this.#until) this.#limit = undefined;
    return this.#limit;
  }

  /**
   * One sample while rendition `index` plays; returns true when the limit just changed (the
   * offer to the relay must shrink).
   */
  observe(index: number, sample: DecodeSample, nowMs: number): boolean {
    // The join's catch-up burst decodes in a rush too: the first seconds count like a stall.
    if (sample.stalled || this.#stalledAtMs === -Infinity) this.#stalledAtMs = nowMs;
    this.#window.push(sample);
    if (this.#window.length > WINDOW) this.#window.shift();
    if (index === 0 || nowMs - this.#stalledAtMs < AFTER_STALL_MS) return false;
    const tooHeavy = sample.skipped || dropRatio(this.#window) > DROP_RATIO;
    if (!tooHeavy) return false;
    const base = sample.skipped ? HOLD_SKIPPED_MS : HOLD_DROPPING_MS;
    const holdMs = Math.min(MAX_HOLD_MS, (this.#holdMs.get(index) ?? base / 2) * 2);
    this.#holdMs.set(index, holdMs);
    this.#limit = index - 1;
    this.#until = nowMs + holdMs;
    this.#window = [];
    return true;
  }
}
