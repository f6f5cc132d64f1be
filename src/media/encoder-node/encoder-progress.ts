/** ffmpeg's own figures, from its `-progress` reports (every 0.5 s). */
export interface EncoderProgress {
  /** Frames encoded so far (first video output). */
  frame: number;
  fps: number;
  /** Encoding speed as a multiple of real time, averaged by ffmpeg since it started. */
  speed: number;
  /**
   * Speed over about the last two seconds (media time written per wall time). ffmpeg's own
   * figure is an average since the start: an hour in, it takes minutes to show an overload, and
   * a freshly started encoder reads slow for seconds while it is in fact keeping up.
   */
  recentSpeed: number;
  bitrateKbps: number;
  dropFrames: number;
  dupFrames: number;
  /** Media time written so far. */
  outTimeMs: number;
  /** Wall-clock time (ms since the Unix epoch) the report was read. */
  at: number;
}

/**
 * Reads `-progress` output: blocks of `key=value` lines, each closed by `progress=continue`
 * (or `progress=end`).
 */
/** The span recentSpeed looks back over. */
const RECENT_WINDOW_MS = 2_000;

export class ProgressParser {
  private partial = '';
  private fields = new Map<string, string>();
  private recent: Array<{ at: number; outTimeMs: number }> = [];

  constructor(private readonly onReport: (progress: EncoderProgress) => void) {}

  write(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.fields.set(key, value);
      return;
    }
    this.onReport(this.report());
    this.fields = new Map();
  }

  private report(): EncoderProgress {
    const outTimeUs = this.number('out_time_us') || this.number('out_time_ms');
    const outTimeMs = Math.max(0, Math.round(outTimeUs / 1000));
    const at = Date.now();
    const speed = this.number('speed');
    return {
      frame: this.number('frame'),
      fps: this.number('fps'),
      speed,
      recentSpeed: this.recentSpeed(at, outTimeMs, speed),
      bitrateKbps: this.number('bitrate'),
      dropFrames: this.number('drop_frames'),
      dupFrames: this.number('dup_frames'),
      outTimeMs,
      at,
    };
  }

  /** Over the reports of the last RECENT_WINDOW_MS; ffmpeg's average until there are two. */
  private recentSpeed(at: number, outTimeMs: number, speed: number): number {
    this.recent.push({ at, outTimeMs });
    while (this.recent.length > 2 && at - (this.recent[1]?.at ?? at) >= RECENT_WINDOW_MS) {
      this.recent.shift();
    }
    const first = this.recent[0];
    if (!first || at - first.at < RECENT_WINDOW_MS / 4) return speed;
    return Math.round(((outTimeMs - first.outTimeMs) / (at - first.at)) * 1000) / 1000;
  }

  /** `2.51x`, `1234.5kbits/s`, `N/A` → the leading number, 0 when there is none. */
  private number(key: string): number {
    const value = Number.parseFloat(this.fields.get(key) ?? '');
    return Number.isFinite(value) ? value : 0;
  }
}
