/**
 * Auto quality from health and measured throughput. Down one rung on a stall, or when many
 * frames were dropped over the last seconds; up one rung after a stretch with few drops and no
 * stall, when the measured capacity carries the higher rung with headroom. A rung that failed is
 * held off for a while so the choice does not oscillate. Every switch is applied at a group
 * boundary by the playback, so a wrong guess costs at most one GOP at the wrong quality.
 */

export interface AbrSample {
  /** Frames dropped and rendered since the previous sample (about a second). */
  dropped: number;
  rendered: number;
  stalled: boolean;
  /** The decoder fell behind and playback skipped ahead: this device cannot decode the rung. */
  skipped?: boolean;
  /** Media bits per second received over the last seconds. */
  bitrateBps: number;
  /** The latest capacity measurement (catch-up bursts), if there is one. */
  throughputBps?: number;
  /** Media time received per wall time lately (below 1: the link cannot carry this rung). */
  arrivalSpeed?: number;
  /** Share of the time the video decoder was busy lately (see StatsRecorder.decodeLoad). */
  decodeLoad?: number;
}

/** A rung of the ladder, lowest bitrate first. */
export interface AbrRung {
  name: string;
  bitrate?: number;
  height?: number;
}

const UP_AFTER_MS = 6000;
const HOLD_FAILED_MS = 20_000;
const START_HEIGHT = 360;
/** A rung this device could not decode in real time is not tried again for this long. */
const HOLD_TOO_HEAVY_MS = 300_000;
/** Drops over the last DOWN_WINDOW samples that mean "this rung is too much". */
const DOWN_WINDOW = 3;
const DOWN_DROP_RATIO = 0.2;
/** Drops over the healthy stretch still low enough to try a higher rung. */
const UP_DROP_RATIO = 0.1;
/** Capacity a rung needs over its bitrate before Auto steps up to it. */
const UP_HEADROOM = 1.5;
/** Media arriving this much slower than it plays means latency grows: step down. */
const SLOW_ARRIVAL = 0.85;
const ARRIVAL_SETTLE_MS = 3000;
/** The decoder may be this busy on the rung above (predicted from its pixels) to step up to it. */
const MAX_DECODE_LOAD = 0.7;
const HISTORY = 10;

export class AbrController {
  readonly #rungs: AbrRung[];
  #since: number;
  #history: AbrSample[] = [];
  /** Rungs that failed, with when they may be tried again. */
  #heldUntil = new Map<string, number>();

  /** `rungs` ordered from the lowest to the highest bitrate. */
  constructor(rungs: AbrRung[], now = performance.now()) {
    this.#rungs = rungs;
    this.#since = now;
  }

  /**
   * Where to start: small (at most START_HEIGHT, and no taller than the screen needs), since
   * neither the link nor this device's decoder is known yet — a first rung too heavy for either
   * costs seconds of latency, one too light costs a few seconds of lower quality.
   */
  static initial(rungs: Array<AbrRung & { height?: number }>, screenHeight: number): string {
    const limit = Math.min(START_HEIGHT, Math.max(240, screenHeight));
    const fitting = rungs.filter((r) => (r.height ?? 0) <= limit);
    return (fitting.at(-1) ?? rungs[0])?.name ?? '';
  }

  /** The rung to play next, given the current one and what the last second looked like. */
  decide(current: string, sample: AbrSample, now = performance.now()): string {
    const index = this.#rungs.findIndex((r) => r.name === current);
    if (index === -1) return current;
    this.#history.push(sample);
    if (this.#history.length > HISTORY) this.#history.shift();
    if (sample.skipped) return this.#down(index, now, HOLD_TOO_HEAVY_MS);
    // The arrival window still holds the previous rung's seconds just after a switch.
    const settled = now - this.#since >= ARRIVAL_SETTLE_MS;
    const falling = settled && (sample.arrivalSpeed ?? 1) < SLOW_ARRIVAL;
    if (
      sample.stalled ||
      falling ||
      dropRatio(this.#history.slice(-DOWN_WINDOW)) > DOWN_DROP_RATIO
    ) {
      return this.#down(index, now);
    }
    const up = this.#rungs[index + 1];
    if (!up || now - this.#since < UP_AFTER_MS) return current;
    const slow = this.#history.some((s) => (s.arrivalSpeed ?? 1) < SLOW_ARRIVAL);
    if (slow || this.#history.some((s) => s.stalled) || dropRatio(this.#history) > UP_DROP_RATIO) {
      return current;
    }
    if (now < (this.#heldUntil.get(up.name) ?? -Infinity)) return current;
    if (tooHeavyToDecode(this.#rungs[index] as AbrRung, up, sample.decodeLoad)) return current;
    const { throughputBps } = sample;
    if (throughputBps !== undefined && up.bitrate !== undefined) {
      if (throughputBps < up.bitrate * UP_HEADROOM) return current;
    }
    this.#switched(now);
    return up.name;
  }

  /** A switch to `rung` could not be made (it never found its switch point): try it later. */
  holdOff(rung: string, now = performance.now()): void {
    this.#heldUntil.set(rung, now + HOLD_FAILED_MS);
    this.#switched(now);
  }

  #down(index: number, now: number, holdMs = HOLD_FAILED_MS): string {
    const current = this.#rungs[index] as AbrRung;
    this.#switched(now);
    if (index === 0) return current.name;
    this.#heldUntil.set(current.name, now + holdMs);
    return this.#rungs[index - 1]?.name ?? current.name;
  }

  /** A fresh rung starts a fresh record. */
  #switched(now: number): void {
    this.#since = now;
    this.#history = [];
  }
}

/** Frames dropped over frames seen; 0 while too few frames were seen to tell. */
export function dropRatio(samples: ReadonlyArray<{ dropped: number; rendered: number }>): number {
  const dropped = samples.reduce((n, s) => n + s.dropped, 0);
  const frames = dropped + samples.reduce((n, s) => n + s.rendered, 0);
  return frames > 5 ? dropped / frames : 0;
}

/** Decoding cost grows with the pixels: would the rung above keep the decoder too busy? */
export function tooHeavyToDecode(
  current: AbrRung,
  up: AbrRung,
  load: number | undefined,
  maxLoad = MAX_DECODE_LOAD,
): boolean {
  if (load === undefined || !current.height || !up.height) return false;
  return load * (up.height / current.height) ** 2 > maxLoad;
}
