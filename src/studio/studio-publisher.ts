import { BroadcastProducer, MoqError, PublishNamespaceErrorCode } from '../moq/index.js';
import { Encoder, EncoderError, type EncoderOptions } from '../media/encoder-node/index.js';
import {
  MediaPackager,
  encodedTrackMeta,
  untilProducerEnds,
  type TrackStats,
} from '../media/packager/index.js';
import type { RelayConnection } from './relay-connection.js';
import { StudioError, describeError } from './studio-error.js';

const FIRST_GROUP_POLL_MS = 50;

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

  /** Starts ffmpeg and feeds each of its outputs into the packager as a track. */
  async startEncoder(options: EncoderOptions): Promise<Encoder> {
    let encoder: Encoder;
    try {
      encoder = await Encoder.start(options);
    } catch (error) {
      throw encoderFailure(error);
    }
    this.#encoder = encoder;
    const tracks = encoder.outputs.map((output) =>
      this.packager.addTrack(
        encodedTrackMeta(output),
        untilProducerEnds(output.stream, encoder.closed),
        this.#stop.signal,
      ),
    );
    this.#ended = Promise.all([encoder.closed, ...tracks]).then(
      () => undefined,
      (error: unknown) => {
        throw encoderFailure(error);
      },
    );
    this.#ended.catch(() => undefined);
    return encoder;
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
    this.#stop.abort();
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
