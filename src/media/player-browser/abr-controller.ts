/**
 * Auto quality from health and measured throughput: step down one rung when frames were
 * dropped or playback stalled; step up one rung after a healthy stretch, when the measured
 * capacity carries the higher rung with headroom; hold off a rung that failed for a while so the
 * choice does not oscillate. Every switch is applied at a group boundary by
 * the playback, so a wrong guess costs at most one GOP at the wrong quality.
 */

export interface AbrSample {
  /** Frames dropped and rendered since the previous sample. */
  dropped: number;
  rendered: number;
  stalled: boolean;
  /** Media bits per second received over the last seconds. */
  bitrateBps: number;
  /** The latest capacity measurement (catch-up bursts), if there is one. */
  throughputBps?: number;
}

/** A rung of the ladder, lowest bitrate first. */
export interface AbrRung {
  name: string;
  bitrate?: number;
}

const UP_AFTER_HEALTHY_MS = 10_000;
const HOLD_FAILED_MS = 30_000;
const DROP_RATIO_DOWN = 0.15;
/** Capacity a rung needs over its bitrate before Auto steps up to it. */
const UP_HEADROOM = 1.5;

export class AbrController {
  readonly #rungs: AbrRung[];
  #healthySince: number;
  #failedAt = new Map<string, number>();

  /** `rungs` ordered from the lowest to the highest bitrate. */
  constructor(rungs: AbrRung[], now = performance.now()) {
    this.#rungs = rungs;
    this.#healthySince = now;
  }

  /** Where to start: the highest rung no taller than the screen needs, else the lowest. */
  static initial(rungs: Array<AbrRung & { height?: number }>, screenHeight: number): string {
    const fitting = rungs.filter((r) => (r.height ?? 0) <= Math.max(360, screenHeight));
    return (fitting.at(-1) ?? rungs[0])?.name ?? '';
  }

  /** The rung to play next, given the current one and what the last second looked like. */
  decide(current: string, sample: AbrSample, now = performance.now()): string {
    const index = this.#rungs.findIndex((r) => r.name === current);
    if (index === -1) return current;
    const frames = sample.dropped + sample.rendered;
    const unhealthy = sample.stalled || (frames > 5 && sample.dropped / frames > DROP_RATIO_DOWN);
    if (unhealthy) {
      this.#healthySince = now;
      if (index === 0) return current;
      this.#failedAt.set(current, now);
      return this.#rungs[index - 1]?.name ?? current;
    }
    const up = this.#rungs[index + 1];
    if (!up || now - this.#healthySince < UP_AFTER_HEALTHY_MS) return current;
    if (now - (this.#failedAt.get(up.name) ?? -Infinity) < HOLD_FAILED_MS) return current;
    const { throughputBps } = sample;
    if (throughputBps !== undefined && up.bitrate !== undefined) {
      if (throughputBps < up.bitrate * UP_HEADROOM) return current;
    }
    this.#healthySince = now;
    return up.name;
  }
}
