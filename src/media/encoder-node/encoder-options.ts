import type { H264Encoder } from './h264-encoders.js';
import type { Rendition } from './rendition.js';

/** A synthetic picture (`testsrc2`) and a sine tone, paced in real time. */
export interface TestPatternSource {
  kind: 'test-pattern';
  width?: number;
  height?: number;
  framerate?: number;
}

/** A media file, optionally looped with continuous timestamps. */
export interface FileSource {
  kind: 'file';
  path: string;
  loop?: boolean;
}

/**
 * Any stream ffmpeg can read (fMP4 from `ffmpeg … -f mp4 - | moq-pub`, MediaRecorder chunks),
 * fed to ffmpeg's stdin. `copy` (the default) remuxes without transcoding: one video output named
 * `source` and one audio output; `copy: false` transcodes through the ladder.
 */
export interface PipeSource {
  kind: 'pipe';
  input: NodeJS.ReadableStream;
  copy?: boolean;
}

export type EncoderSource = TestPatternSource | FileSource | PipeSource;

export type AudioCodec = 'aac' | 'opus' | 'none';

export interface EncoderOptions {
  source: EncoderSource;
  /** Video renditions (default DEFAULT_LADDER); fitted to the source, never upscaled. */
  ladder?: readonly Rendition[];
  /** Default `aac`, 128 kb/s, 48 kHz stereo. */
  audio?: AudioCodec;
  /** Keyframe interval, identical in every rendition (default 2000). */
  gopMs?: number;
  /** x264 speed/quality trade-off; default by core count (see defaultPreset). */
  preset?: X264Preset;
  /** The H.264 encoder (default libx264); `chooseH264Encoder` finds a working hardware one. */
  videoEncoder?: H264Encoder;
  /**
   * Where the output media timeline starts, for an encoder that takes over from another
   * mid-broadcast: its timestamps continue instead of starting at 0 again. Default 0.
   */
  timestampOffsetMs?: number;
  /** A file source starts this far in (an encoder taking over where another stopped). */
  seekMs?: number;
  /**
   * Pace the input in real time (default true); false encodes as fast as possible. A pipe source
   * is never paced: it arrives at its producer's pace.
   */
  realtime?: boolean;
  /** Stop after this much media time. */
  durationMs?: number;
  ffmpegPath?: string;
  /** Used for probing files and piped input; found next to ffmpeg or on PATH when absent. */
  ffprobePath?: string;
  signal?: AbortSignal;
}

export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
] as const;
export type X264Preset = (typeof X264_PRESETS)[number];

/**
 * `veryfast` (what OBS defaults to) where there are cores for it; on two cores or fewer a
 * 1080p/720p/360p ladder at `veryfast` runs at about 1.2× real time alone and below real time
 * beside a browser and a relay, while `superfast` runs at about 1.8×.
 */
export function defaultPreset(cpuCount: number): X264Preset {
  return cpuCount <= 2 ? 'superfast' : 'veryfast';
}

export const DEFAULT_GOP_MS = 2000;
export const AUDIO_BITRATE_BPS = 128_000;
export const AUDIO_SAMPLE_RATE_HZ = 48_000;
