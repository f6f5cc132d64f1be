import { abortable } from '../../async/index.js';
import { EncoderError } from './encoder-error.js';
import {
  HARDWARE_H264_ENCODERS,
  SOFTWARE_H264_ENCODER,
  h264DeviceArgs,
  h264EncodeArgs,
  h264FilterTail,
  type H264Encoder,
  type HardwareH264Encoder,
} from './h264-encoders.js';
import { runTool } from './run-tool.js';

/** One hardware encoder tried: whether a tiny encode worked, and if not, why (one line). */
export interface H264EncoderTrial {
  encoder: HardwareH264Encoder;
  works: boolean;
  /** `encoded 10 frames in 212 ms`, or the failure: `Cannot load libcuda.so.1`. */
  detail: string;
}

/** The encoder to use and what was tried on the way. */
export interface H264EncoderChoice {
  encoder: H264Encoder;
  trials: H264EncoderTrial[];
}

export interface H264ProbeOptions {
  ffmpegPath: string;
  /** How long one trial encode may take (default 10 s: a GPU driver's first start is slow). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const PROBE_FRAMES = 10;
const PROBE_RENDITION = {
  name: '144p',
  width: 256,
  height: 144,
  framerate: 30,
  bitrateBps: 300_000,
};
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DETAIL_CHARS = 140;

/** A probe under way or done, shared by everyone who asks about the same ffmpeg. */
interface SharedProbe {
  choice: Promise<H264EncoderChoice>;
  stop: AbortController;
  /** Callers still waiting for it; when the last one gives up, the probe is stopped. */
  waiting: number;
  settled: boolean;
}

/** One probe per ffmpeg for the life of the process: the hardware does not change under us. */
const probes = new Map<string, SharedProbe>();

/**
 * Finds the H.264 encoder to use with this ffmpeg: each hardware encoder is tried by actually
 * encoding a few frames (being compiled in says nothing about a GPU and driver being there), all
 * at once; the first working one in order of preference wins, else libx264. Cached per ffmpeg
 * path. A caller's signal ends its own wait; the probe itself stops (and is not cached) only when
 * every caller waiting for it has given up.
 */
export async function chooseH264Encoder(options: H264ProbeOptions): Promise<H264EncoderChoice> {
  const { ffmpegPath, signal } = options;
  signal?.throwIfAborted();
  let probe = probes.get(ffmpegPath);
  if (!probe) {
    const stop = new AbortController();
    const started: SharedProbe = {
      choice: probeH264Encoders({ ...options, signal: stop.signal }),
      stop,
      waiting: 0,
      settled: false,
    };
    started.choice.then(
      () => (started.settled = true),
      () => probes.get(ffmpegPath) === started && probes.delete(ffmpegPath),
    );
    probes.set(ffmpegPath, started);
    probe = started;
  }
  const shared = probe;
  shared.waiting++;
  try {
    return await abortable(shared.choice, signal);
  } finally {
    shared.waiting--;
    if (shared.waiting === 0 && !shared.settled && signal?.aborted) {
      probes.delete(ffmpegPath);
      shared.stop.abort();
    }
  }
}

/** Forgets the cached choices (tests; a driver installed while the app runs). */
export function forgetH264EncoderChoices(): void {
  probes.clear();
}

/** Runs the trials without the cache. Rejects only with ABORTED. */
export async function probeH264Encoders(options: H264ProbeOptions): Promise<H264EncoderChoice> {
  const built = await builtEncoders(options);
  const trials = await Promise.all(
    HARDWARE_H264_ENCODERS.map((encoder) =>
      built && !built.has(encoder)
        ? Promise.resolve({ encoder, works: false, detail: 'not in this ffmpeg build' })
        : tryEncoder(encoder, options),
    ),
  );
  if (options.signal?.aborted) {
    throw new EncoderError('ABORTED', 'the hardware encoder probe was aborted');
  }
  const working = trials.find((trial) => trial.works);
  return { encoder: working?.encoder ?? SOFTWARE_H264_ENCODER, trials };
}

/** One line per encoder tried, then the choice: for logs and the command line. */
export function describeH264Choice(choice: H264EncoderChoice): string[] {
  const lines = choice.trials.map(
    (trial) => `${trial.encoder}: ${trial.works ? 'works' : 'unusable'} (${trial.detail})`,
  );
  const why = choice.encoder === SOFTWARE_H264_ENCODER ? ' (no hardware encoder works)' : '';
  return [...lines, `H.264 encoder: ${choice.encoder}${why}`];
}

/** The encoders this ffmpeg was built with; undefined when it cannot tell (then try them all). */
async function builtEncoders(options: H264ProbeOptions): Promise<Set<string> | undefined> {
  try {
    const result = await runTool(options.ffmpegPath, ['-hide_banner', '-encoders'], {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode !== 0) return undefined;
    // Lines like ` V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)`.
    const names = result.stdout
      .split('\n')
      .map((line) => /^\s*[VAS][.A-Z]{5}\s+(\S+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    return names.length > 0 ? new Set(names) : undefined;
  } catch {
    return undefined;
  }
}

async function tryEncoder(
  encoder: HardwareH264Encoder,
  options: H264ProbeOptions,
): Promise<H264EncoderTrial> {
  const tail = h264FilterTail(encoder);
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...h264DeviceArgs(encoder),
    ...['-f', 'lavfi', '-i', `testsrc2=size=256x144:rate=30`],
    ...['-frames:v', String(PROBE_FRAMES)],
    ...['-vf', `format=yuv420p${tail ? `,${tail}` : ''}`],
    ...h264EncodeArgs(encoder, PROBE_RENDITION, 1000, 'veryfast'),
    ...['-f', 'null', '-'],
  ];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  try {
    const result = await runTool(options.ffmpegPath, args, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.exitCode === 0) {
      return {
        encoder,
        works: true,
        detail: `encoded ${PROBE_FRAMES} frames in ${Date.now() - started} ms`,
      };
    }
    const detail =
      result.signal === 'SIGTERM'
        ? `no answer within ${timeoutMs} ms`
        : firstCause(result.stderr) || `exit code ${result.exitCode ?? result.signal}`;
    return { encoder, works: false, detail };
  } catch (error) {
    return { encoder, works: false, detail: shorten(String(error)) };
  }
}

/**
 * The line of ffmpeg's error output that names the cause: drivers and devices say it first
 * ("Cannot load libcuda.so.1"), ffmpeg's generic lines ("Error while opening encoder …",
 * "Conversion failed!") come after.
 */
export function firstCause(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]+\]\s*/, '').trim())
    .filter((line) => line.length > 0);
  const generic =
    /^(Error while opening encoder|Conversion failed|Error initializing output|Could not open encoder|Nothing was written)/i;
  const specific = lines.find((line) => !generic.test(line));
  return shorten(specific ?? lines[0] ?? '');
}

function shorten(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > MAX_DETAIL_CHARS ? `${line.slice(0, MAX_DETAIL_CHARS - 1)}…` : line;
}
