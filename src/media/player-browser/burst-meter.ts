/**
 * Network capacity from catch-up bursts. Live objects arrive at the pace they are made, which
 * says nothing about what the path could carry; but a new subscription starts with the newest
 * group's cached objects, sent back to back, and how fast those arrive is a real measurement.
 */

/** A pause longer than this ends the burst (the reader caught up with live). */
const BURST_GAP_MS = 8;
/** Too small a burst measures timers, not the network. */
const MIN_BURST_BYTES = 32 * 1024;
const MIN_BURST_MS = 5;

export class BurstMeter {
  readonly #onSample: (bitsPerSecond: number) => void;
  #first: number | undefined;
  #last: number | undefined;
  #bytes = 0;
  #done = false;

  constructor(onSample: (bitsPerSecond: number) => void) {
    this.#onSample = onSample;
  }

  get done(): boolean {
    return this.#done;
  }

  /** An object of the first group arrived at `at` (performance.now()). */
  add(bytes: number, at: number): void {
    if (this.#done) return;
    if (this.#last !== undefined && at - this.#last > BURST_GAP_MS) return this.finish();
    this.#first ??= at;
    this.#last = at;
    this.#bytes += bytes;
  }

  finish(): void {
    if (this.#done) return;
    this.#done = true;
    const span = (this.#last ?? 0) - (this.#first ?? 0);
    if (span < MIN_BURST_MS || this.#bytes < MIN_BURST_BYTES) return;
    this.#onSample((this.#bytes * 8 * 1000) / span);
  }
}
