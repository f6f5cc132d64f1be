import type { StudioStats } from './studio-api.js';

/** Below this multiple of real time the broadcast falls behind (and latency creeps up). */
const SLOW_SPEED = 0.95;
/** Consecutive slow samples (seconds) before warning: one slow second is only a hiccup. */
const SLOW_SAMPLES = 5;
/** At most one warning per this long. */
const QUIET_MS = 60_000;

/**
 * Tells the streamer when the encoder cannot keep up — OBS users' most common complaint is
 * "encoding overloaded" with no visible cause, so the warning names the cause and the remedy.
 */
export class OverloadWatch {
  #slow = 0;
  #warnedAt = -Infinity;

  /** Returns the warning to log, when one is due. */
  observe(stats: StudioStats): string | undefined {
    const speed = stats.encoder?.speed;
    if (stats.state !== 'live' || speed === undefined || speed <= 0) {
      this.#slow = 0;
      return undefined;
    }
    this.#slow = speed < SLOW_SPEED ? this.#slow + 1 : 0;
    if (this.#slow < SLOW_SAMPLES || stats.at - this.#warnedAt < QUIET_MS) return undefined;
    this.#warnedAt = stats.at;
    const cpu = stats.encoder?.cpuPercent;
    const load = cpu === null || cpu === undefined ? '' : ` using ${Math.round(cpu)} % CPU`;
    const ladder = stats.renditions.filter((r) => r.role === 'video').map((r) => r.name);
    return (
      `encoding overloaded: ffmpeg runs at ${speed.toFixed(2)}× real time${load} for ` +
      `${this.#slow} s, so viewers fall behind — use fewer or smaller renditions than ` +
      `${ladder.join(',') || 'the current ladder'}`
    );
  }
}
