import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EncoderError } from './encoder-error.js';
import type { EncoderOptions } from './encoder-options.js';
import { ProgressParser, type EncoderProgress } from './encoder-progress.js';
import {
  buildFfmpegArgs,
  testPatternProbe,
  type FfmpegPlan,
  type OutputPlan,
} from './ffmpeg-args.js';
import { FlvVideoPackager } from './flv-video-packager.js';
import { findFfmpeg, findFfprobe } from './find-ffmpeg.js';
import { probeBytes, probeFile, type MediaProbe, type ProbeTools } from './media-probe.js';
import { OutputQueue } from './output-queue.js';
import { PipeInput } from './pipe-input.js';
import type { Rendition } from './rendition.js';
import { StderrTail } from './stderr-tail.js';

/** One output of the encoder: a single-track CMAF fMP4 byte stream. */
export interface EncodedOutput {
  /** `1080p`, … for renditions, `source` for a remuxed pipe input, `audio`. */
  name: string;
  role: 'video' | 'audio';
  rendition?: Rendition;
  /** Target bitrate; 0 when the stream is copied as it came. */
  bitrateBps: number;
  /** The raw fMP4 bytes in order: `ftyp moov`, then `prft moof mdat` per frame. Read once. */
  stream: AsyncIterable<Uint8Array>;
}

/** Limits that rarely need changing; tests make them small. */
export interface EncoderLimits {
  /** Bytes an output may queue for a consumer that does not read before the encoder gives up. */
  maxQueuedBytes?: number;
  /** How long ffmpeg gets to finish after `q` (or end of input) before SIGTERM, then SIGKILL. */
  closeGraceMs?: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const DEFAULT_CLOSE_GRACE_MS = 3_000;

/**
 * One ffmpeg process encoding one broadcast into a ladder of renditions (plus audio), each on its
 * own pipe. Every pipe is drained continuously, so a slow consumer can never stall ffmpeg.
 */
export class Encoder {
  readonly outputs: EncodedOutput[];
  readonly pid: number;
  /** The ffmpeg argv (without the executable). */
  readonly args: readonly string[];
  readonly ffmpegPath: string;
  /** What was learnt about the source before starting. */
  readonly probe: MediaProbe;
  /**
   * Resolves when ffmpeg ends cleanly (duration reached, input ended, `close()`); rejects with
   * an EncoderError: FAILED_TO_START, DIED or CONSUMER_STALLED.
   */
  readonly closed: Promise<void>;

  private readonly queues: OutputQueue[] = [];
  private readonly stderr = new StderrTail(10);
  private readonly progressListeners = new Set<(progress: EncoderProgress) => void>();
  private lastProgress: EncoderProgress | undefined;
  private sawOutput = false;
  private exited = false;
  private closeRequested = false;
  private closeFailure: EncoderError | undefined;
  private closeTimers: NodeJS.Timeout[] = [];
  private settle!: { resolve: () => void; reject: (error: EncoderError) => void };

  private constructor(
    private readonly child: ChildProcess,
    private readonly plan: FfmpegPlan,
    ffmpegPath: string,
    probe: MediaProbe,
    private readonly pipeInput: PipeInput | undefined,
    private readonly limits: Required<EncoderLimits>,
  ) {
    this.pid = child.pid ?? -1;
    this.args = plan.args;
    this.ffmpegPath = ffmpegPath;
    this.probe = probe;
    this.closed = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers may never await `closed`; its failure is also reported through the streams.
    this.closed.catch(() => undefined);
    this.outputs = plan.outputs.map((output) => {
      const queue = new OutputQueue(this.limits.maxQueuedBytes, (sizeBytes) =>
        this.stalled(output.name, sizeBytes),
      );
      this.queues.push(queue);
      this.drain(output, queue);
      const { name, role, rendition, bitrateBps } = output;
      return { name, role, ...(rendition ? { rendition } : {}), bitrateBps, stream: queue };
    });
    this.watch();
  }

  /**
   * Finds ffmpeg, probes the source, and starts encoding. Rejects with FFMPEG_NOT_FOUND,
   * FILE_NOT_FOUND, NO_VIDEO, BAD_INPUT, BAD_LADDER, BAD_OPTIONS, FAILED_TO_START or ABORTED.
   */
  static async start(options: EncoderOptions & EncoderLimits): Promise<Encoder> {
    const { signal } = options;
    throwIfAborted(signal);
    const ffmpegPath = options.ffmpegPath ?? (await findFfmpeg({ signal }));
    const tools: ProbeTools = { ffmpegPath, signal };
    const pipeInput =
      options.source.kind === 'pipe' ? new PipeInput(options.source.input) : undefined;
    const probe = await probeSource(options, tools, pipeInput).catch((error: unknown) => {
      // An abort mid-probe surfaces as the tool's AbortError; callers expect our own code.
      throwIfAborted(signal);
      throw error;
    });
    throwIfAborted(signal);
    if (!probe.video) {
      const what = options.source.kind === 'file' ? options.source.path : 'the piped input';
      throw new EncoderError('NO_VIDEO', `${what} has no video stream`);
    }
    const plan = buildFfmpegArgs(options, probe);
    const child = await spawnFfmpeg(ffmpegPath, plan);
    const encoder = new Encoder(child, plan, ffmpegPath, probe, pipeInput, {
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      closeGraceMs: options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
    });
    if (signal) {
      const onAbort = (): void => void encoder.close('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      encoder.closed
        .finally(() => signal.removeEventListener('abort', onAbort))
        .catch(() => undefined);
    }
    return encoder;
  }

  /** The latest progress report, if ffmpeg has written one. */
  progress(): EncoderProgress | undefined {
    return this.lastProgress;
  }

  /** Calls `listener` with each progress report (every 0.5 s); returns an unsubscribe function. */
  onProgress(listener: (progress: EncoderProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * Stops encoding: ffmpeg finishes its outputs (on `q`, or end of input for a piped source),
   * then SIGTERM and SIGKILL if it lingers. The output streams end. Safe to call more than once;
   * resolves when ffmpeg has exited. An EncoderError as `reason` makes `closed` reject with it.
   * `graceMs` overrides the time ffmpeg gets to finish (an encoder being replaced need not
   * finish its last frames at leisure).
   */
  async close(reason?: string | EncoderError, options: { graceMs?: number } = {}): Promise<void> {
    if (reason instanceof EncoderError && !this.closeFailure && !this.exited)
      this.closeFailure = reason;
    if (!this.closeRequested && !this.exited) {
      this.closeRequested = true;
      this.askToFinish();
      const graceMs = options.graceMs ?? this.limits.closeGraceMs;
      this.closeTimers.push(
        setTimeout(() => this.child.kill('SIGTERM'), graceMs),
        setTimeout(() => this.child.kill('SIGKILL'), graceMs * 2),
      );
    }
    await this.closed.catch(() => undefined);
  }

  private askToFinish(): void {
    const stdin = this.child.stdin;
    if (this.plan.stdinIsInput) {
      this.pipeInput?.stop();
      if (stdin && !stdin.writableEnded) stdin.end();
      return;
    }
    if (stdin && !stdin.writableEnded) stdin.end('q');
  }

  private drain(output: OutputPlan, queue: OutputQueue): void {
    const pipe = this.child.stdio[output.fd] as Readable | null | undefined;
    if (!pipe) return;
    const packager = packagerFor(output);
    pipe.on('data', (chunk: Buffer) => {
      this.sawOutput = true;
      if (!packager) {
        queue.push(chunk);
        return;
      }
      try {
        const cmaf = packager.push(chunk);
        if (cmaf) queue.push(Buffer.from(cmaf.buffer, cmaf.byteOffset, cmaf.byteLength));
      } catch (error) {
        this.stderr.write(`${output.name}: ${String(error)}\n`);
        void this.close();
      }
    });
    // A broken pipe shows up as ffmpeg's exit status; the socket error itself adds nothing.
    pipe.on('error', () => undefined);
  }

  private watch(): void {
    const child = this.child;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.stderr.write(text));
    const progressPipe = child.stdio[this.plan.progressFd] as Readable | null | undefined;
    const parser = new ProgressParser((progress) => {
      this.lastProgress = progress;
      for (const listener of this.progressListeners) listener(progress);
    });
    progressPipe?.setEncoding('utf8').on('data', (text: string) => parser.write(text));
    progressPipe?.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    if (this.pipeInput && child.stdin) {
      this.pipeInput.feed(child.stdin).catch((error: unknown) => {
        this.stderr.write(`input stream failed: ${String(error)}\n`);
        void this.close();
      });
    }
    child.on('close', (exitCode, signal) => this.onExit(exitCode, signal));
  }

  private onExit(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    for (const timer of this.closeTimers) clearTimeout(timer);
    this.pipeInput?.stop();
    const failure = this.exitFailure(exitCode, signal);
    for (const queue of this.queues) queue.end(failure);
    if (failure) this.settle.reject(failure);
    else this.settle.resolve();
  }

  private exitFailure(
    exitCode: number | null,
    signal: NodeJS.Signals | null,
  ): EncoderError | undefined {
    if (this.closeFailure) return this.closeFailure;
    if (this.closeRequested || exitCode === 0) return undefined;
    const code = this.sawOutput ? 'DIED' : 'FAILED_TO_START';
    const when = this.sawOutput ? 'died' : 'exited before writing any output';
    return new EncoderError(
      code,
      `ffmpeg (pid ${this.pid}) ${when}: exit code ${exitCode ?? 'none'}, signal ${signal ?? 'none'}` +
        `; last stderr lines:\n${this.stderr.text() || '(none)'}`,
    );
  }

  private stalled(name: string, sizeBytes: number): void {
    const message =
      `the consumer of output ${name} stopped reading: ${sizeBytes} bytes queued ` +
      `(limit ${this.limits.maxQueuedBytes})`;
    void this.close(new EncoderError('CONSUMER_STALLED', message));
  }
}

async function probeSource(
  options: EncoderOptions,
  tools: ProbeTools,
  pipeInput: PipeInput | undefined,
): Promise<MediaProbe> {
  const { source } = options;
  if (source.kind === 'test-pattern') return testPatternProbe(source);
  const ffprobePath =
    options.ffprobePath ?? (await findFfprobe(tools.ffmpegPath, { signal: tools.signal }));
  const withProbe = { ...tools, ffprobePath };
  if (source.kind === 'file') return probeFile(source.path, withProbe);
  const header = await (pipeInput as PipeInput).readHeader(tools.signal);
  if (header.byteLength === 0)
    throw new EncoderError('BAD_INPUT', 'the piped input ended before any byte');
  return probeBytes(header, withProbe);
}

function spawnFfmpeg(ffmpegPath: string, plan: FfmpegPlan): Promise<ChildProcess> {
  const extraPipes = plan.progressFd - 2;
  const stdio: Array<'pipe' | 'ignore'> = [
    'pipe',
    'ignore',
    'pipe',
    ...Array<'pipe'>(extraPipes).fill('pipe'),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, plan.args, { stdio });
    child.once('spawn', () => resolve(child));
    child.once('error', (error) =>
      reject(
        new EncoderError('FAILED_TO_START', `cannot run ${ffmpegPath}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new EncoderError('ABORTED', 'the encoder was aborted before it started');
}

/** The packager an output's bytes go through before they are CMAF, if ffmpeg does not write it. */
function packagerFor(output: OutputPlan): FlvVideoPackager | undefined {
  if (output.container !== 'flv' || !output.rendition) return undefined;
  const { width, height, framerate } = output.rendition;
  return new FlvVideoPackager({ width, height, framerate });
}
