import type { StudioStats } from './studio-api.js';

/** Below this multiple of real time the broadcast falls behind (and latency creeps up). */
const SLOW_SPEED = 0.95;
/** Consecutive slow samples (seconds) before acting: one slow second is only a hiccup. */
const SLOW_SAMPLES = 5;
/** At most one warning per this long. */
const QUIET_MS = 60_000;
/** After the ladder changed, samples are not judged for this long: the new encoder starts. */
const SETTLE_MS = 2_000;

/** The encoder has been below real time for SLOW_SAMPLES seconds in a row. */
export interface Overload {
  /** The latest speed, as a multiple of real time. */
  speed: number;
  /** How many slow seconds in a row. */
  seconds: number;
  /** ffmpeg's CPU use, % of one core; null where unknown. */
  cpuPercent: number | null;
  /** The video renditions being encoded. */
  ladder: string[];
}

/**
 * Tells when the encoder cannot keep up — OBS users' most common complaint is "encoding
 * overloaded" with no visible cause. The studio answers by dropping the top rendition; when only
 * one is left, the warning names the cause and the remedy.
 */
export class OverloadWatch {
  #slow = 0;
  #warnedAt = -Infinity;
  #settleUntil = -Infinity;

  /** Returns the overload while it lasts (every sample from the SLOW_SAMPLES-th slow one). */
  observe(stats: StudioStats): Overload | undefined {
    const speed = stats.encoder?.speed;
    if (
      stats.state !== 'live' ||
      speed === undefined ||
      speed <= 0 ||
      stats.at < this.#settleUntil
    ) {
      this.#slow = 0;
      return undefined;
    }
    this.#slow = speed < SLOW_SPEED ? this.#slow + 1 : 0;
    if (this.#slow < SLOW_SAMPLES) return undefined;
    return {
      speed,
      seconds: this.#slow,
      cpuPercent: stats.encoder?.cpuPercent ?? null,
      ladder: stats.renditions.filter((r) => r.role === 'video').map((r) => r.name),
    };
  }

  /** The ladder changes (a rung is being dropped): start counting afresh once it settled. */
  restart(at: number): void {
    this.#slow = 0;
    this.#settleUntil = at + SETTLE_MS;
  }

  /** The warning to log for an overload nothing more can be done about, at most once a minute. */
  warning(overload: Overload, at: number): string | undefined {
    if (at - this.#warnedAt < QUIET_MS) return undefined;
    this.#warnedAt = at;
    return (
      `encoding overloaded: ffmpeg runs at ${describeOverload(overload)}, so viewers fall ` +
      `behind — use fewer or smaller renditions than ` +
      `${overload.ladder.join(',') || 'the current ladder'}`
    );
  }
}

/** `0.80× real time using 195 % CPU for 5 s`. */
export function describeOverload(overload: Overload): string {
  const cpu = overload.cpuPercent;
  const load = cpu === null ? '' : ` using ${Math.round(cpu)} % CPU`;
  return `${overload.speed.toFixed(2)}× real time${load} for ${overload.seconds} s`;
}
