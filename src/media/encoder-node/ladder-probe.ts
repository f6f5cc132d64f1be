import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { EncoderError } from './encoder-error.js';
import { DEFAULT_GOP_MS, defaultPreset, type X264Preset } from './encoder-options.js';
import { ProgressParser, type EncoderProgress } from './encoder-progress.js';
import { videoFilterGraph } from './ffmpeg-args.js';
import {
  SOFTWARE_H264_ENCODER,
  h264DeviceArgs,
  h264EncodeArgs,
  type H264Encoder,
} from './h264-encoders.js';
import { DEFAULT_LADDER, type Rendition } from './rendition.js';

/** How fast this machine encoded one candidate ladder. */
export interface LadderMeasurement {
  ladder: Rendition[];
  /** Media time encoded per wall-clock time while warm; 0 when nothing was encoded. */
  speed: number;
}

export interface LadderChoice {
  /** The richest candidate that ran fast enough, else the smallest one. */
  ladder: Rendition[];
  /** Every candidate measured, richest first (the ones after the choice were not run). */
  measurements: LadderMeasurement[];
  /** Whether the chosen ladder itself met `minSpeed`. */
  fits: boolean;
}

export interface LadderProbeOptions {
  ffmpegPath: string;
  videoEncoder?: H264Encoder;
  /** Richest first. Default: the default ladder and each of its tails (720p+360p, 360p). */
  candidates?: readonly (readonly Rendition[])[];
  preset?: X264Preset;
  gopMs?: number;
  /** Wall time each candidate is measured for, after its first frame (default 2000 ms). */
  sampleMs?: number;
  /**
   * The speed a ladder needs (default 1.1): the headroom that leaves for audio, the packager and
   * the source itself (a file to decode, a browser capturing the camera).
   */
  minSpeed?: number;
  signal?: AbortSignal;
}

const DEFAULT_SAMPLE_MS = 2_000;
const DEFAULT_MIN_SPEED = 1.1;
/** Time ffmpeg and its encoders get to start before the first frame, beyond the sample. */
const STARTUP_ALLOWANCE_MS = 5_000;

/** A ladder and each tail of it: the rungs an overloaded machine would drop, top first. */
export function ladderCandidates(ladder: readonly Rendition[]): Rendition[][] {
  return ladder.map((_, i) => ladder.slice(i));
}

/**
 * Chooses the ladder this machine encodes in real time, the way OBS's auto-configuration does:
 * each candidate, richest first, is encoded from a synthetic picture at its top rung's size and
 * frame rate, as fast as ffmpeg can, for a couple of seconds; the first that keeps at least
 * `minSpeed`× real time wins. Rejects only with ABORTED or FAILED_TO_START (ffmpeg missing).
 */
export async function measureLadder(options: LadderProbeOptions): Promise<LadderChoice> {
  const candidates = (options.candidates ?? ladderCandidates(DEFAULT_LADDER)).filter(
    (ladder) => ladder.length > 0,
  );
  if (candidates.length === 0) throw new EncoderError('BAD_LADDER', 'no candidate ladder');
  const minSpeed = options.minSpeed ?? DEFAULT_MIN_SPEED;
  const measurements: LadderMeasurement[] = [];
  for (const candidate of candidates) {
    const speed = await measureSpeed([...candidate], options);
    measurements.push({ ladder: [...candidate], speed });
    if (speed >= minSpeed) return { ladder: [...candidate], measurements, fits: true };
  }
  const smallest = measurements[measurements.length - 1]?.ladder ?? [];
  return { ladder: smallest, measurements, fits: false };
}

/** `1080p,720p,360p 0.62×, 720p,360p 1.45× → 720p,360p`. */
export function describeLadderChoice(choice: LadderChoice): string {
  const figures = choice.measurements.map(
    (m) => `${m.ladder.map((r) => r.name).join(',')} ${m.speed.toFixed(2)}×`,
  );
  const chosen = choice.ladder.map((r) => r.name).join(',');
  const verdict = choice.fits ? chosen : `${chosen} (nothing ran in real time; the smallest)`;
  return `${figures.join(', ')} → ${verdict}`;
}

/** Encodes one ladder flat out and returns its speed while warm (startup excluded). */
async function measureSpeed(ladder: Rendition[], options: LadderProbeOptions): Promise<number> {
  const { signal } = options;
  if (signal?.aborted) throw aborted();
  const encoder = options.videoEncoder ?? SOFTWARE_H264_ENCODER;
  const top = ladder.reduce((a, b) => (b.height * b.width > a.height * a.width ? b : a));
  const framerate = Math.max(...ladder.map((r) => r.framerate));
  const sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
  const gopMs = options.gopMs ?? DEFAULT_GOP_MS;
  const preset = options.preset ?? defaultPreset(availableParallelism());
  // Enough media that a fast machine is still encoding when the sample ends.
  const mediaSeconds = Math.ceil((sampleMs / 1000) * 8) + 2;
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1'],
    ...['-stats_period', '0.25'],
    ...h264DeviceArgs(encoder),
    ...['-f', 'lavfi', '-t', String(mediaSeconds)],
    ...['-i', `testsrc2=size=${top.width}x${top.height}:rate=${framerate}`],
    ...['-filter_complex', videoFilterGraph('0:v:0', ladder, encoder)],
    ...ladder.flatMap((rendition, i) => [
      ...['-map', `[out${i}]`],
      ...h264EncodeArgs(encoder, rendition, gopMs, preset),
      ...['-f', 'null', '-'],
    ]),
  ];
  const reports = await runSample(options.ffmpegPath, args, sampleMs, signal);
  return warmSpeed(reports);
}

/**
 * Runs ffmpeg and collects its progress until `sampleMs` after its first encoded frame (or
 * its end), then stops it.
 */
function runSample(
  ffmpegPath: string,
  args: string[],
  sampleMs: number,
  signal: AbortSignal | undefined,
): Promise<EncoderProgress[]> {
  return new Promise((resolve, reject) => {
    const reports: EncoderProgress[] = [];
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sampleTimer: NodeJS.Timeout | undefined;
    const stop = (): void => void child.kill('SIGKILL');
    const giveUp = setTimeout(stop, sampleMs + STARTUP_ALLOWANCE_MS);
    const parser = new ProgressParser((report) => {
      reports.push(report);
      if (report.frame > 0 && !sampleTimer) sampleTimer = setTimeout(stop, sampleMs);
    });
    const onAbort = (): void => stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => parser.write(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    const finish = (): void => {
      clearTimeout(giveUp);
      clearTimeout(sampleTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      finish();
      reject(
        new EncoderError('FAILED_TO_START', `cannot run ${ffmpegPath}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    child.once('close', (exitCode, exitSignal) => {
      finish();
      if (signal?.aborted) return reject(aborted());
      // Killed at the end of the sample is the normal end; an error before any frame is not.
      if (exitSignal === null && exitCode !== 0 && reports.every((r) => r.frame === 0)) {
        const line = stderr.trim().split('\n').pop() ?? '';
        return reject(
          new EncoderError('FAILED_TO_START', `ffmpeg could not encode the ladder: ${line}`),
        );
      }
      resolve(reports);
    });
  });
}

/** Media time per wall time from the first report with a frame to the last one. */
export function warmSpeed(reports: readonly EncoderProgress[]): number {
  const warm = reports.filter((r) => r.frame > 0);
  const first = warm[0];
  const last = warm[warm.length - 1];
  if (!first || !last) return 0;
  const wallMs = last.at - first.at;
  // Too short to compare two reports (a very fast machine): ffmpeg's own average.
  if (wallMs < 200) return last.speed;
  return (last.outTimeMs - first.outTimeMs) / wallMs;
}

function aborted(): EncoderError {
  return new EncoderError('ABORTED', 'the ladder measurement was aborted');
}
