/** Counters and windows behind `player.stats()`, shared by both playback modes. */

const LATENCY_WINDOW = 600; // samples (≈ 20 s at 30 fps)
const BITRATE_WINDOW_MS = 2000;

export class StatsRecorder {
  framesDecoded = 0;
  framesRendered = 0;
  framesDropped = 0;
  /** Jumps to the next keyframe because the decoder fell behind (never drift: skip ahead). */
  skips = 0;
  audioFramesPlayed = 0;
  latencyMs: number | undefined;
  maxRenderGapMs = 0;
  joinMs: number | undefined;
  #latencies: number[] = [];
  #lastRenderAt: number | undefined;
  #received: Array<{ at: number; bytes: number }> = [];
  readonly #startedAt: number;

  constructor(startedAt = performance.now()) {
    this.#startedAt = startedAt;
  }

  /** A frame reached the screen; `producerTimeMs` is its prft wall clock, if it had one. */
  rendered(producerTimeMs: number | undefined, at = performance.now()): void {
    this.framesRendered++;
    this.joinMs ??= at - this.#startedAt;
    if (this.#lastRenderAt !== undefined) {
      this.maxRenderGapMs = Math.max(this.maxRenderGapMs, at - this.#lastRenderAt);
    }
    this.#lastRenderAt = at;
    if (producerTimeMs === undefined) return;
    this.latencyMs = performance.timeOrigin + at - producerTimeMs;
    this.#latencies.push(this.latencyMs);
    if (this.#latencies.length > LATENCY_WINDOW) this.#latencies.shift();
  }

  msSinceRender(at = performance.now()): number {
    return this.#lastRenderAt === undefined ? 0 : at - this.#lastRenderAt;
  }

  received(bytes: number, at = performance.now()): void {
    this.#received.push({ at, bytes });
    while ((this.#received[0]?.at ?? at) < at - BITRATE_WINDOW_MS) this.#received.shift();
  }

  bitrateBps(at = performance.now()): number {
    const since = at - BITRATE_WINDOW_MS;
    const bytes = this.#received.reduce((sum, r) => (r.at >= since ? sum + r.bytes : sum), 0);
    return Math.round((bytes * 8 * 1000) / BITRATE_WINDOW_MS);
  }

  percentile(p: number): number | undefined {
    if (this.#latencies.length === 0) return undefined;
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
    return sorted[index];
  }

  /** Starts the counters over (the render-gap clock keeps its last frame, so gaps stay honest). */
  reset(): void {
    this.framesDecoded = 0;
    this.framesRendered = 0;
    this.framesDropped = 0;
    this.skips = 0;
    this.audioFramesPlayed = 0;
    this.maxRenderGapMs = 0;
    this.#latencies = [];
  }
}
