/** Counters and windows behind `player.stats()`, shared by both playback modes. */
import type { AbrSample } from './abr-controller.js';
import { LatencyTrace } from './latency-trace.js';

const LATENCY_WINDOW = 600; // samples (≈ 20 s at 30 fps)
const BITRATE_WINDOW_MS = 2000;
/** A render gap this long is a visible freeze: counted as a stall. */
export const STALL_GAP_MS = 250;
/** Video arrivals looked at to tell whether media comes in as fast as it plays. */
const ARRIVAL_WINDOW_MS = 3000;

export class StatsRecorder {
  framesDecoded = 0;
  framesRendered = 0;
  framesDropped = 0;
  /** Jumps to the next keyframe because the decoder fell behind (never drift: skip ahead). */
  skips = 0;
  audioFramesPlayed = 0;
  /** Audio frames out of the WebCodecs decoder, heard or not (a suspended context plays none). */
  audioFramesDecoded = 0;
  latencyMs: number | undefined;
  maxRenderGapMs = 0;
  /** Render gaps of STALL_GAP_MS or more, and their total length. */
  stalls = 0;
  stallMs = 0;
  joinMs: number | undefined;
  /** Real-time mode: from the first frame to the first frame on time (the join's catch-up). */
  catchUpMs: number | undefined;
  /** Real-time mode: frames shown late during that catch-up (the cached group played through). */
  staleFramesShown = 0;
  /** Real-time mode: each rendered frame's glass-to-glass time, hop by hop. */
  readonly trace = new LatencyTrace();
  #latencies: number[] = [];
  #abrLast = { dropped: 0, rendered: 0, skips: 0 };
  #lastRenderAt: number | undefined;
  #received: Array<{ at: number; bytes: number }> = [];
  #arrivals: Array<{ at: number; ptsMs: number }> = [];
  #decodes: Array<{ at: number; serviceMs: number }> = [];
  readonly #startedAt: number;

  constructor(startedAt = performance.now()) {
    this.#startedAt = startedAt;
  }

  /** A frame reached the screen; `producerTimeMs` is its prft wall clock, if it had one. */
  rendered(producerTimeMs: number | undefined, at = performance.now()): void {
    this.framesRendered++;
    this.joinMs ??= at - this.#startedAt;
    if (this.#lastRenderAt !== undefined) {
      const gapMs = at - this.#lastRenderAt;
      this.maxRenderGapMs = Math.max(this.maxRenderGapMs, gapMs);
      if (gapMs >= STALL_GAP_MS) {
        this.stalls++;
        this.stallMs += gapMs;
      }
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

  /** A video frame left the decoder after `serviceMs` of decoding. */
  decoded(serviceMs: number, at = performance.now()): void {
    this.#decodes.push({ at, serviceMs: Math.max(0, serviceMs) });
    while ((this.#decodes[0]?.at ?? at) < at - ARRIVAL_WINDOW_MS) this.#decodes.shift();
  }

  /**
   * Share of the last seconds the video decoder was busy (0..1+): 0.3 leaves room for a
   * rendition of about twice the pixels; near 1 this device decodes no more than it shows.
   */
  decodeLoad(at = performance.now()): number | undefined {
    const first = this.#decodes[0];
    if (!first || this.#decodes.length < 10) return undefined;
    const spanMs = Math.max(1000, at - first.at);
    return this.#decodes.reduce((sum, d) => sum + d.serviceMs, 0) / spanMs;
  }

  /** A video object arrived carrying media from `ptsMs` on. */
  videoArrived(ptsMs: number, at = performance.now()): void {
    this.#arrivals.push({ at, ptsMs });
    while ((this.#arrivals[0]?.at ?? at) < at - ARRIVAL_WINDOW_MS) this.#arrivals.shift();
  }

  /**
   * Media time received per wall-clock time over the last seconds: 1 keeps up, below 1 the link
   * cannot carry this rendition and latency grows. Undefined until two seconds were seen.
   */
  arrivalSpeed(): number | undefined {
    const first = this.#arrivals[0];
    const last = this.#arrivals.at(-1);
    if (!first || !last || last.at - first.at < (2 * ARRIVAL_WINDOW_MS) / 3) return undefined;
    return (last.ptsMs - first.ptsMs) / (last.at - first.at);
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
    this.audioFramesDecoded = 0;
    this.maxRenderGapMs = 0;
    this.stalls = 0;
    this.stallMs = 0;
    this.#latencies = [];
    this.trace.reset();
  }

  /**
   * What the ABR judges once a second: frames since the previous sample, and the rates now.
   * Undefined when the counts went backwards (the stats were reset meanwhile).
   */
  abrSample(stalled: boolean, throughputBps: number | undefined): AbrSample | undefined {
    const last = this.#abrLast;
    this.#abrLast = {
      dropped: this.framesDropped,
      rendered: this.framesRendered,
      skips: this.skips,
    };
    const sample: AbrSample = {
      dropped: this.framesDropped - last.dropped,
      skipped: this.skips > last.skips,
      rendered: this.framesRendered - last.rendered,
      stalled,
      bitrateBps: this.bitrateBps(),
    };
    const arrivalSpeed = this.arrivalSpeed();
    const decodeLoad = this.decodeLoad();
    if (arrivalSpeed !== undefined) sample.arrivalSpeed = arrivalSpeed;
    if (decodeLoad !== undefined) sample.decodeLoad = decodeLoad;
    if (throughputBps !== undefined) sample.throughputBps = throughputBps;
    return sample.dropped < 0 || sample.rendered < 0 ? undefined : sample;
  }
}
