/**
 * The wall clock at which a real-time source produced each sample: anchor + media time, the way
 * HLS's EXT-X-PROGRAM-DATE-TIME dates a segment. The anchor is the smallest (observed time −
 * media time) seen so far: the sample that waited least on its way. It only ever moves earlier,
 * so a late or bursty arrival (a busy process, an encoder catching up) never shifts the clock,
 * and a later backlog shows as latency instead of hiding in it.
 */
export class AnchoredClock {
  #anchorMs: number | undefined;

  /** The wall clock for a sample at `mediaMs` that was observed at `observedMs`. */
  at(mediaMs: number, observedMs: number): number {
    const offsetMs = observedMs - mediaMs;
    this.#anchorMs = Math.min(this.#anchorMs ?? offsetMs, offsetMs);
    return this.#anchorMs + mediaMs;
  }

  get anchorMs(): number | undefined {
    return this.#anchorMs;
  }
}
