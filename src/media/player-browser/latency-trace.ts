/**
 * Where a frame's glass-to-glass time goes, hop by hop, one wall-clock stamp per hop: its
 * producer time (prft: the anchored capture clock), its arrival here (after the encoder's
 * output, the publisher, the relay and the network), the decoder's output, and the render.
 * The hops sum to the frame's latency. The clock's parts (jitter margin, audio output latency)
 * are recorded beside them: they are why a decoded frame waits.
 */
export interface FrameHops {
  /** prft → the object arrived in the page: encoder output, publisher, relay, network. */
  deliveryMs: number;
  /** Arrival → the decoder handed the frame out. */
  decodeMs: number;
  /** Decoded → drawn: the jitter buffer's wait for the frame's due time (and the next refresh). */
  waitMs: number;
  totalMs: number;
  /** The live clock's margin over the freshest arrivals when the frame was drawn. */
  jitterMarginMs: number;
  /** The audio output latency every frame waits for too (lip sync). */
  audioOutputMs: number;
}

export type LatencyTraceSummary = { [K in keyof FrameHops]: number };

const WINDOW_FRAMES = 300; // ≈ 10 s at 30 fps

export class LatencyTrace {
  #frames: FrameHops[] = [];

  add(hops: FrameHops): void {
    this.#frames.push(hops);
    if (this.#frames.length > WINDOW_FRAMES) this.#frames.shift();
  }

  /** Each hop's median over the last frames (undefined before any frame was traced). */
  medians(): LatencyTraceSummary | undefined {
    return this.#quantile(0.5);
  }

  /** Each hop's 95th percentile over the last frames: where the tail's time goes. */
  p95s(): LatencyTraceSummary | undefined {
    return this.#quantile(0.95);
  }

  #quantile(q: number): LatencyTraceSummary | undefined {
    if (this.#frames.length === 0) return undefined;
    const at = (key: keyof FrameHops): number => {
      const sorted = this.#frames.map((f) => f[key]).sort((a, b) => a - b);
      const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
      return Math.round(value * 10) / 10;
    };
    return {
      deliveryMs: at('deliveryMs'),
      decodeMs: at('decodeMs'),
      waitMs: at('waitMs'),
      totalMs: at('totalMs'),
      jitterMarginMs: at('jitterMarginMs'),
      audioOutputMs: at('audioOutputMs'),
    };
  }

  reset(): void {
    this.#frames = [];
  }
}
