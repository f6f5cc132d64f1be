/** Bits per second over a sliding window (about a second), for live health figures. */
export class RateMeter {
  readonly #windowMs: number;
  readonly #now: () => number;
  #samples: Array<{ at: number; bytes: number }> = [];
  #bytes = 0;

  constructor(windowMs = 1000, now: () => number = () => performance.now()) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  add(bytes: number): void {
    this.#samples.push({ at: this.#now(), bytes });
    this.#bytes += bytes;
    this.#trim();
  }

  get bitsPerSecond(): number {
    this.#trim();
    return Math.round((this.#bytes * 8 * 1000) / this.#windowMs);
  }

  #trim(): void {
    const since = this.#now() - this.#windowMs;
    let drop = 0;
    while (drop < this.#samples.length && (this.#samples[drop]?.at ?? 0) <= since) {
      this.#bytes -= this.#samples[drop]?.bytes ?? 0;
      drop++;
    }
    if (drop > 0) this.#samples = this.#samples.slice(drop);
  }
}
