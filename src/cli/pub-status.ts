import type { Encoder } from '../media/encoder-node/index.js';
import type { MediaPackager } from '../media/packager/index.js';

const STATUS_INTERVAL_MS = 1000;

/** moq-pub's one line a second: per-track kbps, then the encoder's fps, speed and drops. */
export class PubStatus {
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #startedAt = Date.now();

  constructor(
    readonly encoder: Encoder,
    readonly packager: MediaPackager,
    print: (line: string) => void,
  ) {
    this.#timer = setInterval(() => print(this.line()), STATUS_INTERVAL_MS);
    this.#timer.unref();
  }

  line(): string {
    const parts = [`moq-pub: ${clock(Date.now() - this.#startedAt)}`];
    for (const [name, stats] of Object.entries(this.packager.stats())) {
      parts.push(`${name} ${Math.round(stats.bitrateBps / 1000)} kb/s`);
    }
    const progress = this.encoder.progress();
    if (progress) {
      parts.push(`${progress.fps.toFixed(1)} fps`, `${progress.speed.toFixed(2)}x`);
      parts.push(`dropped ${progress.dropFrames}`);
    }
    return parts.join(' | ');
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

function clock(elapsedMs: number): string {
  const seconds = Math.floor(elapsedMs / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}
