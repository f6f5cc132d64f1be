import { access } from 'node:fs/promises';
import { z } from 'zod';
import { EncoderError } from './encoder-error.js';
import { runTool } from './run-tool.js';

/** What the encoder needs to know about an input before it builds its ffmpeg command. */
export interface MediaProbe {
  video?: { codec: string; width: number; height: number; framerate?: number };
  audio?: { codec: string; sampleRate?: number; channels?: number };
  durationMs?: number;
}

export interface ProbeTools {
  ffmpegPath: string;
  /** When absent, probing parses `ffmpeg -i` instead. */
  ffprobePath?: string;
  signal?: AbortSignal;
}

const PROBE_TIMEOUT_MS = 15_000;

/** Probes a media file; FILE_NOT_FOUND when it is not there, BAD_INPUT when ffmpeg cannot read it. */
export async function probeFile(path: string, tools: ProbeTools): Promise<MediaProbe> {
  try {
    await access(path);
  } catch {
    throw new EncoderError('FILE_NOT_FOUND', `no such media file: ${path}`);
  }
  return probe(path, undefined, tools, path);
}

/** Probes the first bytes of a stream (enough to hold its header, e.g. an fMP4 `moov`). */
export function probeBytes(bytes: Uint8Array, tools: ProbeTools): Promise<MediaProbe> {
  return probe('pipe:0', bytes, tools, 'the piped input');
}

async function probe(
  input: string,
  bytes: Uint8Array | undefined,
  tools: ProbeTools,
  label: string,
): Promise<MediaProbe> {
  const runOptions = { input: bytes, timeoutMs: PROBE_TIMEOUT_MS, signal: tools.signal };
  if (tools.ffprobePath) {
    const args = [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      '-i',
      input,
    ];
    const result = await runTool(tools.ffprobePath, args, runOptions);
    const parsed = parseFfprobeJson(result.stdout);
    if (parsed) return parsed;
    throw unreadable(label, result.stderr);
  }
  const result = await runTool(tools.ffmpegPath, ['-hide_banner', '-i', input], runOptions);
  const parsed = parseFfmpegInputInfo(result.stderr);
  if (parsed) return parsed;
  throw unreadable(label, result.stderr);
}

function unreadable(label: string, stderr: string): EncoderError {
  const detail = lastLines(stderr, 3) || 'no detail';
  return new EncoderError('BAD_INPUT', `ffmpeg cannot read ${label} as media: ${detail}`);
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

const ffprobeSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        avg_frame_rate: z.string().optional(),
        r_frame_rate: z.string().optional(),
        sample_rate: z.string().optional(),
        channels: z.number().optional(),
      }),
    )
    .optional(),
  format: z.object({ duration: z.string().optional() }).optional(),
});

/** Reads `ffprobe -print_format json -show_streams -show_format`; undefined when it found no streams. */
export function parseFfprobeJson(json: string): MediaProbe | undefined {
  let data: z.infer<typeof ffprobeSchema>;
  try {
    data = ffprobeSchema.parse(JSON.parse(json));
  } catch {
    return undefined;
  }
  const streams = data.streams ?? [];
  if (streams.length === 0) return undefined;
  const result: MediaProbe = {};
  const video = streams.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (video?.width && video.height) {
    result.video = {
      codec: video.codec_name ?? 'unknown',
      width: video.width,
      height: video.height,
      framerate: plausibleFramerate(video.avg_frame_rate) ?? plausibleFramerate(video.r_frame_rate),
    };
  }
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (audio) {
    result.audio = {
      codec: audio.codec_name ?? 'unknown',
      sampleRate: audio.sample_rate ? Number(audio.sample_rate) : undefined,
      channels: audio.channels,
    };
  }
  const durationS = Number(data.format?.duration);
  if (Number.isFinite(durationS) && durationS > 0) result.durationMs = Math.round(durationS * 1000);
  return result;
}

/** A frame rate from `30/1` or `30000/1001`; timebase-like values (a fragment's 15360/1) are not one. */
function plausibleFramerate(ratio: string | undefined): number | undefined {
  const [num, den] = (ratio ?? '').split('/').map(Number);
  if (!num || !den) return undefined;
  const fps = num / den;
  return fps > 0 && fps <= 240 ? fps : undefined;
}

const STREAM_LINE = /^\s*Stream #\d+:\d+.*?: (Video|Audio): (\w+)(.*)$/;

/** Reads the input summary `ffmpeg -i` prints on stderr; undefined when it lists no streams. */
export function parseFfmpegInputInfo(stderr: string): MediaProbe | undefined {
  const result: MediaProbe = {};
  let found = false;
  for (const line of stderr.split('\n')) {
    const duration = /^\s*Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
    if (duration) {
      const [h, m, s] = [Number(duration[1]), Number(duration[2]), Number(duration[3])];
      result.durationMs = Math.round(((h * 60 + m) * 60 + s) * 1000);
    }
    const stream = STREAM_LINE.exec(line);
    if (!stream) continue;
    found = true;
    const [, type, codec = 'unknown', rest = ''] = stream;
    if (type === 'Video' && !result.video) {
      const size = /, (\d{2,5})x(\d{2,5})[ ,]/.exec(rest);
      const fps = /, (\d+(?:\.\d+)?) fps/.exec(rest);
      if (size) {
        result.video = {
          codec,
          width: Number(size[1]),
          height: Number(size[2]),
          framerate: fps ? Number(fps[1]) : undefined,
        };
      }
    }
    if (type === 'Audio' && !result.audio) {
      const rate = /, (\d+) Hz/.exec(rest);
      const layout = /Hz, ([^,]+),/.exec(rest)?.[1]?.trim();
      result.audio = {
        codec,
        sampleRate: rate ? Number(rate[1]) : undefined,
        channels: layout === 'mono' ? 1 : layout === 'stereo' ? 2 : undefined,
      };
    }
  }
  return found ? result : undefined;
}
