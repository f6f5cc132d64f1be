/** ffmpeg's own figures, from its `-progress` reports (every 0.5 s). */
export interface EncoderProgress {
  /** Frames encoded so far (first video output). */
  frame: number;
  fps: number;
  /** Encoding speed as a multiple of real time. */
  speed: number;
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
export class ProgressParser {
  private partial = '';
  private fields = new Map<string, string>();

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
    return {
      frame: this.number('frame'),
      fps: this.number('fps'),
      speed: this.number('speed'),
      bitrateKbps: this.number('bitrate'),
      dropFrames: this.number('drop_frames'),
      dupFrames: this.number('dup_frames'),
      outTimeMs: Math.max(0, Math.round(outTimeUs / 1000)),
      at: Date.now(),
    };
  }

  /** `2.51x`, `1234.5kbits/s`, `N/A` → the leading number, 0 when there is none. */
  private number(key: string): number {
    const value = Number.parseFloat(this.fields.get(key) ?? '');
    return Number.isFinite(value) ? value : 0;
  }
}
