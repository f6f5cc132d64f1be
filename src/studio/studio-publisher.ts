import { BroadcastProducer, MoqError, PublishNamespaceErrorCode } from '../moq/index.js';
import { withTimeout } from '../async/index.js';
import {
  Encoder,
  EncoderError,
  type EncodedOutput,
  type EncoderOptions,
  type Rendition,
} from '../media/encoder-node/index.js';
import {
  MediaPackager,
  encodedTrackMeta,
  untilProducerEnds,
  type TrackStats,
} from '../media/packager/index.js';
import type { RelayConnection } from './relay-connection.js';
import { SplicedOutput } from './spliced-output.js';
import { StudioError, describeError } from './studio-error.js';

const FIRST_GROUP_POLL_MS = 50;
/** How long an encoder being replaced gets to finish its last frames before SIGTERM. */
const REPLACE_GRACE_MS = 1_000;
/** How long the packager may take to package the replaced encoder's queued chunks. */
const DRAIN_TIMEOUT_MS = 5_000;

/** What dropping the top rung did. */
export interface RungDrop {
  /** The rendition no longer encoded, e.g. `1080p`. */
  dropped: string;
  /** The video renditions encoded now, top first. */
  ladder: string[];
}

/**
 * One broadcast: BroadcastProducer + packager, fed by one encoder. It outlives relay sessions:
 * when the relay connection dies, the encoder keeps running and the packager keeps the newest
 * groups, and the next session announces the same broadcast, so viewers resume at the newest
 * group without the encoder restarting.
 */
export class StudioPublisher {
  readonly broadcast: BroadcastProducer;
  readonly packager: MediaPackager;
  #encoder: Encoder | undefined;
  /** Settles when the media ends: resolves when the source ended, rejects when ffmpeg died. */
  #ended: Promise<void> = new Promise<void>(() => undefined);
  readonly #stop = new AbortController();
  /** Each output's bytes, across encoder replacements, by output name. */
  readonly #outputs = new Map<string, SplicedOutput>();
  #options: EncoderOptions | undefined;
  /** Wall-clock time of media time 0 (the first encoder's start). */
  #startedAtMs = 0;
  /** Where the current encoder's media timeline and (file sources) file position start. */
  #offsetMs = 0;
  #seekMs = 0;
  readonly #dropped: string[] = [];
  #replacing = false;
  #closed = false;

  /**
   * `anchored` restates each chunk's wall-clock time as start + media time, for sources ffmpeg
   * paces itself (test pattern, file): an encoder falling behind then shows as viewer latency.
   * Captured camera/screen chunks keep the time they were stamped with (`as-written`).
   */
  constructor(
    readonly name: string,
    producerClock: 'anchored' | 'as-written',
  ) {
    this.broadcast = new BroadcastProducer(name.split('/'));
    this.packager = new MediaPackager(this.broadcast, { producerClock });
  }

  get encoder(): Encoder | undefined {
    return this.#encoder;
  }

  /** Never settles before the encoder started. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /** Renditions dropped so far because the machine could not encode them in real time. */
  get droppedRungs(): readonly string[] {
    return this.#dropped;
  }

  /** Starts ffmpeg and feeds each of its outputs into the packager as a track. */
  async startEncoder(options: EncoderOptions): Promise<Encoder> {
    let encoder: Encoder;
    this.#options = options;
    this.#startedAtMs = Date.now();
    try {
      encoder = await Encoder.start(options);
    } catch (error) {
      throw encoderFailure(error);
    }
    this.#encoder = encoder;
    // Each track reads its spliced output, which follows the encoder's exit status: a crash
    // ends the tracks with its reason, a replaced encoder hands over to the next one.
    const tracks = encoder.outputs.map((output) => {
      const spliced = new SplicedOutput(untilProducerEnds(output.stream, encoder.closed));
      this.#outputs.set(output.name, spliced);
      return this.packager.addTrack(encodedTrackMeta(output), spliced, this.#stop.signal);
    });
    this.#ended = Promise.all(tracks).then(
      () => undefined,
      (error: unknown) => {
        throw encoderFailure(error);
      },
    );
    this.#ended.catch(() => undefined);
    return encoder;
  }

  /** Whether `dropTopRung` can do anything now (more than one rung, a source it can restart). */
  canDropRung(): boolean {
    const source = this.#options?.source.kind;
    const rungs = this.#encoder ? videoRungs(this.#encoder.outputs).length : 0;
    return !this.#replacing && !this.#closed && source !== 'pipe' && rungs > 1;
  }

  /**
   * Stops encoding the tallest rendition: ffmpeg is replaced by one without it (there is no way
   * to drop an output from a running ffmpeg, and only that frees its CPU). Its track ends, so
   * the catalog is republished without it and viewers' players and the relay's switching sets
   * follow; the other tracks continue on the new encoder with the same group numbering and
   * timeline. Undefined when there is nothing to drop (one rung left, a piped source, a
   * replacement already under way). Rejects with a StudioError when the new encoder fails; the
   * broadcast then ends with it.
   */
  async dropTopRung(signal: AbortSignal): Promise<RungDrop | undefined> {
    const old = this.#encoder;
    const options = this.#options;
    if (!old || !options || !this.canDropRung()) return undefined;
    const [top, ...rest] = videoRungs(old.outputs);
    if (!top) return undefined;
    this.#replacing = true;
    const kept = old.outputs.filter((output) => output !== top);
    const drained = kept.map(
      (output) => this.#outputs.get(output.name)?.hold() ?? Promise.resolve(),
    );
    try {
      const mediaEndMs = this.#offsetMs + (old.progress()?.outTimeMs ?? 0);
      await old.close(`dropping ${top.name}: the machine cannot encode it in real time`, {
        graceMs: REPLACE_GRACE_MS,
      });
      await withTimeout(
        Promise.all(drained),
        DRAIN_TIMEOUT_MS,
        'packaging the replaced encoder’s last chunks',
      );
      this.packager.alignVideoGroups();
      // Continue at the live edge: what the old encoder fell behind by is skipped, not kept.
      const offsetMs = Math.max(Date.now() - this.#startedAtMs, mediaEndMs);
      const seekMs = this.#nextSeekMs(old, options);
      if (this.#closed) throw new StudioError('INTERNAL', 'the broadcast ended');
      const next = await Encoder.start({
        ...options,
        ladder: rest.flatMap((output) => (output.rendition ? [output.rendition] : [])),
        timestampOffsetMs: offsetMs,
        ...(seekMs !== undefined ? { seekMs } : {}),
        signal,
      });
      this.#encoder = next;
      this.#offsetMs = offsetMs;
      this.#seekMs = seekMs ?? 0;
      this.#dropped.push(top.name);
      this.#continueOn(next, kept);
      if (this.#closed) void next.close('the broadcast ended');
      return { dropped: top.name, ladder: videoRungs(next.outputs).map((output) => output.name) };
    } catch (error) {
      // The tracks end with the reason, and with them the broadcast: nothing encodes them now.
      const failure = encoderFailure(error);
      for (const output of kept) this.#outputs.get(output.name)?.end(failure);
      throw failure;
    } finally {
      this.#replacing = false;
    }
  }

  /** Hands each kept output over to the new encoder's stream of the same name. */
  #continueOn(next: Encoder, kept: readonly EncodedOutput[]): void {
    const continued = new Set<string>();
    for (const output of next.outputs) {
      const spliced = this.#outputs.get(output.name);
      if (!spliced) continue; // the same options minus one rung: no output is new
      spliced.continueWith(untilProducerEnds(output.stream, next.closed));
      continued.add(output.name);
    }
    for (const output of kept) {
      if (!continued.has(output.name)) this.#outputs.get(output.name)?.end();
    }
  }

  /** Where in the file the replacement starts: where the old encoder got to (files only). */
  #nextSeekMs(old: Encoder, options: EncoderOptions): number | undefined {
    const { source } = options;
    if (source.kind !== 'file') return undefined;
    const positionMs = this.#seekMs + (old.progress()?.outTimeMs ?? 0);
    const durationMs = old.probe.durationMs;
    return source.loop && durationMs ? positionMs % durationMs : positionMs;
  }

  /** Announces the broadcast on `connection`; a taken name is NAME_TAKEN with a suggestion. */
  async announce(connection: RelayConnection): Promise<void> {
    try {
      await connection.session.publish(this.broadcast);
    } catch (error) {
      throw announceError(this.name, error);
    }
  }

  /** Resolves once every track has packaged its first group (MoQ group = GOP). */
  async firstGroup(signal: AbortSignal): Promise<void> {
    while (!this.#allStarted()) {
      signal.throwIfAborted();
      await Promise.race([
        this.ended.then(() => {
          throw new StudioError('SOURCE_FAILED', 'the source ended before its first frame', '');
        }),
        new Promise((resolve) => setTimeout(resolve, FIRST_GROUP_POLL_MS)),
      ]);
    }
  }

  stats(): Record<string, TrackStats> {
    return this.packager.stats();
  }

  /** Ends the broadcast for viewers (with `reason` when it failed) and stops ffmpeg. */
  async close(reason: string, failure?: Error): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    for (const output of this.#outputs.values()) output.end();
    this.packager.close(failure);
    this.broadcast.close(failure);
    await this.#encoder?.close(reason).catch(() => undefined);
  }

  #allStarted(): boolean {
    const stats = Object.values(this.packager.stats());
    const outputs = this.#encoder?.outputs.length ?? 1;
    return stats.length === outputs && stats.every((s) => s.groups > 0);
  }
}

/** The encoder's video renditions, tallest first: the first is the one to drop. */
function videoRungs(outputs: readonly EncodedOutput[]): EncodedOutput[] {
  const height = (rendition: Rendition | undefined): number => rendition?.height ?? 0;
  return outputs
    .filter((output) => output.role === 'video' && output.rendition)
    .sort((a, b) => height(b.rendition) - height(a.rendition));
}

/** An encoder failure in the user's words, with what to do about it. */
export function encoderFailure(error: unknown): StudioError {
  if (error instanceof StudioError) return error;
  if (!(error instanceof EncoderError)) {
    return new StudioError('SOURCE_FAILED', describeError(error), '', { cause: error });
  }
  switch (error.code) {
    case 'FFMPEG_NOT_FOUND':
      return ffmpegMissing(error);
    case 'FILE_NOT_FOUND':
      return new StudioError('FILE_NOT_FOUND', error.message, 'choose an existing media file', {
        cause: error,
      });
    case 'DIED':
    case 'CONSUMER_STALLED':
      return new StudioError(
        'ENCODER_DIED',
        `the encoder stopped: ${error.message}`,
        'go live again; if it keeps happening, try a smaller ladder',
        { cause: error },
      );
    default:
      return new StudioError(
        'SOURCE_FAILED',
        error.message,
        'choose another source, or check the ladder',
        {
          cause: error,
        },
      );
  }
}

export function ffmpegMissing(cause: unknown): StudioError {
  return new StudioError(
    'FFMPEG_MISSING',
    'ffmpeg is not installed (or not found), so the studio cannot encode',
    'install ffmpeg (Debian/Ubuntu: sudo apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or set FFMPEG_PATH to the ffmpeg executable, then go live again',
    { cause },
  );
}

function announceError(name: string, error: unknown): StudioError {
  const refused = error instanceof MoqError && error.scope === 'request';
  if (refused && error.code === PublishNamespaceErrorCode.NAMESPACE_TAKEN) {
    return new StudioError(
      'NAME_TAKEN',
      `the broadcast name "${name}" is already in use on this relay`,
      `choose another name, e.g. "${suggestName(name)}"`,
      { cause: error },
    );
  }
  const text =
    error instanceof MoqError ? error.reason || `code ${error.code}` : describeError(error);
  return new StudioError(
    'RELAY_REFUSED',
    `the relay refused broadcast "${name}": ${text}`,
    'check the broadcast name and the token',
    { cause: error },
  );
}

/** `show` → `show-2`, `show-2` → `show-3`. */
export function suggestName(name: string): string {
  const match = /^(.*)-(\d+)$/.exec(name);
  return match ? `${match[1]}-${Number(match[2]) + 1}` : `${name}-2`;
}
