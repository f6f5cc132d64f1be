import type { FrameSink } from './frame-sink.js';
import type { LiveClock } from './live-clock.js';
import type { MediaTrack, TimedSample } from './media-track.js';
import { PlayerError } from './player-error.js';
import type { StatsRecorder } from './stats-recorder.js';
import { videoDecoderConfig, type DecoderCallbacks, type WarmDecoder } from './warm-decoder.js';

const MAX_PENDING_TIMES = 256;
/** A frame this late still shows (catching up at the display rate); later ones are dropped. */
const LATE_TOLERANCE_MS = 250;
/**
 * A join's catch-up: after the keyframe (shown at once), the rest of the cached group decodes
 * faster than real time, and a frame later than this is not shown while a newer one is on its
 * way through the decoder — the picture goes from the keyframe straight to live, instead of
 * fast-forwarding through the group up to a second behind (a browser's first page drew 15
 * such frames over 490 ms, the last ones played at the display rate).
 */
const CATCH_UP_TOLERANCE_MS = 50;
/** The catch-up ends at the first frame on time, or this long after the first frame at most. */
const CATCH_UP_MAX_MS = 1500;
/** The decoder handed a frame out this recently: it is still working through what it holds. */
const DECODER_ACTIVE_MS = 100;
const MAX_QUEUED_FRAMES = 30;
/** How far behind the screen a resent group's frames can be (a group is ≈ 1–2 s). */
const RESENT_WINDOW_MS = 5000;
/** Chunks waiting in the decoder beyond which it counts as falling behind... */
const MAX_DECODE_BACKLOG = 8;
/** ...once that has lasted this long (a join's burst of cached frames decodes and passes). */
const BACKLOG_MS = 1000;

interface QueuedFrame {
  frame: VideoFrame;
  ptsMs: number;
  producerTimeMs: number | undefined;
  /** performance.now() stamps for the latency trace: the object's arrival, the decoder's output. */
  arrivalMs: number | undefined;
  decodedMs: number;
}

/**
 * WebCodecs video: decodes samples in arrival order and shows each frame (FrameSink) when the
 * live clock says it is due. Frames whose time passed while a newer one is due are dropped
 * (after a join, the cached part of the group decodes fast and only its newest frame shows).
 */
export class VideoRenderer {
  /** Where frames go: attached once the playback's subscriptions are out (attach). */
  #sink: FrameSink | undefined;
  readonly #clock: LiveClock;
  readonly #stats: StatsRecorder;
  readonly #onError: (error: PlayerError) => void;
  #decoder: VideoDecoder;
  /** Decoders retired by a switch, with the time from which their frames are not wanted. */
  readonly #cutoffs = new WeakMap<VideoDecoder, number>();
  #queue: QueuedFrame[] = [];
  #producerTimes = new Map<number, { producerTimeMs?: number; arrivalMs?: number }>();
  /** When each queued chunk went into the decoder, and when the last frame came out. */
  #decodeStartedAt = new Map<number, number>();
  #lastOutputAt = -Infinity;
  #needKeyframe = true;
  #config: VideoDecoderConfig | undefined;
  #backlogSinceMs: number | undefined;
  #lastRenderedPtsMs = -Infinity;
  #lastQueuedPtsMs = -Infinity;
  #frameRequest = 0;
  #closed = false;
  #warm: WarmDecoder | undefined;
  /** The first frame goes up as soon as it is decoded: a join shows a picture at once. */
  #shownFirst = false;
  readonly #firstShown = Promise.withResolvers<void>();
  /** When the first frame showed, until the catch-up to live ended (then undefined). */
  #catchUpFromMs: number | undefined;

  /** `warm`: a decoder already started for the first rendition (warm-decoder.ts). */
  constructor(
    clock: LiveClock,
    stats: StatsRecorder,
    onError: (error: PlayerError) => void,
    warm?: WarmDecoder,
  ) {
    this.#clock = clock;
    this.#stats = stats;
    this.#onError = onError;
    this.#warm = warm;
    this.#decoder = this.#newDecoder();
    this.#frameRequest = requestAnimationFrame(() => this.#render());
  }

  get lastRenderedPtsMs(): number {
    return this.#lastRenderedPtsMs;
  }

  get lastQueuedPtsMs(): number {
    return this.#lastQueuedPtsMs;
  }

  /** Decoded or arriving media ahead of what is shown. */
  get aheadMs(): number {
    const now = this.#clock.nowMs();
    if (now === undefined || this.#lastQueuedPtsMs === -Infinity) return 0;
    return Math.max(0, this.#lastQueuedPtsMs - now);
  }

  /** Frames are shown on `sink` from now on; until then they wait in the queue. */
  attach(sink: FrameSink): void {
    this.#sink = sink;
  }

  /** Settles once the first frame is on screen (never, if none ever is). */
  get firstShown(): Promise<void> {
    return this.#firstShown.promise;
  }

  /** (Re)configures for a rendition; the next sample decoded must be a keyframe. */
  configure(track: MediaTrack): void {
    const config = videoDecoderConfig(track);
    const warm = this.#takeWarm(config);
    if (warm) this.#decoder = warm;
    else if (this.#decoder.state === 'closed') this.#decoder = this.#newDecoder();
    if (!warm) this.#decoder.configure(config);
    this.#config = config;
    this.#needKeyframe = true;
    this.#backlogSinceMs = undefined;
  }

  /**
   * Switches rendition at a keyframe `atPtsMs` with a fresh decoder: the old one finishes what
   * it holds (frames before the switch point still show), unless it holds a backlog, and
   * anything it makes from the switch point on is dropped, replaced by the new rendition's.
   */
  switchTo(track: MediaTrack, atPtsMs: number): void {
    const old = this.#decoder;
    this.#cutoffs.set(old, atPtsMs);
    // A decoder already behind (a switch down on a device too slow for the old rendition) would
    // spend the next seconds on frames too late to show, beside the new decoder: it stops now.
    if (old.state === 'configured' && old.decodeQueueSize > MAX_DECODE_BACKLOG) old.close();
    if (old.state === 'configured') {
      old.flush().then(
        () => old.close(),
        () => undefined, // closed or failed meanwhile: nothing left to finish
      );
    }
    this.#queue = this.#queue.filter((queued) => {
      if (queued.ptsMs < atPtsMs) return true;
      queued.frame.close();
      return false;
    });
    this.#lastQueuedPtsMs = Math.min(this.#lastQueuedPtsMs, atPtsMs);
    this.#decoder = this.#newDecoder();
    this.configure(track);
  }

  decode(samples: TimedSample[], producerTimeMs: number | undefined, arrivalMs?: number): void {
    if (this.#closed || this.#decoder.state !== 'configured') return;
    for (const { sample, ptsMs, durationMs } of samples) {
      if (!sample.keyframe && this.#fallingBehind()) this.#skipToNextKeyframe();
      if (this.#needKeyframe && !sample.keyframe) continue;
      this.#needKeyframe = false;
      const timestamp = Math.round(ptsMs * 1000);
      this.#producerTimes.set(timestamp, {
        ...(producerTimeMs === undefined ? {} : { producerTimeMs }),
        ...(arrivalMs === undefined ? {} : { arrivalMs }),
      });
      // Frames a retired decoder never hands out leave entries behind: keep the newest only.
      if (this.#producerTimes.size > MAX_PENDING_TIMES) {
        const oldest = this.#producerTimes.keys().next();
        if (!oldest.done) this.#producerTimes.delete(oldest.value);
      }
      this.#lastQueuedPtsMs = Math.max(this.#lastQueuedPtsMs, ptsMs);
      this.#decodeStartedAt.set(timestamp, performance.now());
      if (this.#decodeStartedAt.size > MAX_PENDING_TIMES) {
        const oldest = this.#decodeStartedAt.keys().next();
        if (!oldest.done) this.#decodeStartedAt.delete(oldest.value);
      }
      this.#decoder.decode(
        new EncodedVideoChunk({
          type: sample.keyframe ? 'key' : 'delta',
          timestamp,
          duration: Math.round(durationMs * 1000),
          data: sample.data,
        }),
      );
    }
  }

  /** The decoder has held a backlog for a while: it decodes slower than real time. */
  #fallingBehind(): boolean {
    if (this.#decoder.decodeQueueSize <= MAX_DECODE_BACKLOG) {
      this.#backlogSinceMs = undefined;
      return false;
    }
    const now = performance.now();
    this.#backlogSinceMs ??= now;
    return now - this.#backlogSinceMs > BACKLOG_MS;
  }

  /**
   * Never drift: rather than play ever later behind a decoder that cannot keep up, drop what it
   * holds and go on from the next keyframe (the next group), counted as a skip — the ABR reads
   * skips as "this rendition is too heavy for this device".
   */
  #skipToNextKeyframe(): void {
    if (!this.#config || this.#decoder.state !== 'configured') return;
    this.#decoder.reset();
    this.#decoder.configure(this.#config);
    this.#needKeyframe = true;
    this.#backlogSinceMs = undefined;
    this.#stats.skips += 1;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    cancelAnimationFrame(this.#frameRequest);
    if (this.#decoder.state !== 'closed') this.#decoder.close();
    for (const queued of this.#queue) queued.frame.close();
    this.#queue = [];
  }

  #newDecoder(): VideoDecoder {
    const made: { decoder?: VideoDecoder } = {};
    made.decoder = new VideoDecoder(this.#callbacks(made));
    return made.decoder;
  }

  /**
   * The decoder started for the join's first rendition (warm-decoder.ts), when it was started
   * for `config`: it replaces the unconfigured one made with this renderer, once.
   */
  #takeWarm(config: VideoDecoderConfig): VideoDecoder | undefined {
    const warm = this.#warm;
    this.#warm = undefined;
    if (!warm || this.#decoder.state !== 'unconfigured') return undefined;
    const taken: { decoder?: VideoDecoder } = {};
    taken.decoder = warm.take(config, this.#callbacks(taken));
    if (taken.decoder) this.#decoder.close();
    return taken.decoder;
  }

  /** What a decoder of this renderer calls; `from.decoder` is the one calling. */
  #callbacks(from: { decoder?: VideoDecoder }): DecoderCallbacks {
    const cutoffOf = (): number | undefined => from.decoder && this.#cutoffs.get(from.decoder);
    return {
      output: (frame) => {
        const cutoff = cutoffOf();
        if (cutoff !== undefined && frame.timestamp / 1000 >= cutoff) frame.close();
        else this.#onFrame(frame);
      },
      error: (error) => {
        if (this.#closed || cutoffOf() !== undefined) return;
        this.#onError(new PlayerError('DECODE_FAILED', `video decoder: ${error.message}`));
      },
    };
  }

  /**
   * The decoder works a queue: a frame's service time is from when it could start (queued, and
   * the one before it out) to when it came out. Their sum over time is how busy decoding keeps
   * this device — what the ABR asks before a heavier rendition.
   */
  #measureDecode(timestamp: number): void {
    const now = performance.now();
    const startedAt = this.#decodeStartedAt.get(timestamp);
    this.#decodeStartedAt.delete(timestamp);
    if (startedAt !== undefined) {
      this.#stats.decoded(now - Math.max(startedAt, this.#lastOutputAt), now);
    }
    this.#lastOutputAt = now;
  }

  #onFrame(frame: VideoFrame): void {
    this.#measureDecode(frame.timestamp);
    if (this.#closed) {
      frame.close();
      return;
    }
    this.#stats.framesDecoded++;
    const ptsMs = frame.timestamp / 1000;
    const { producerTimeMs, arrivalMs } = this.#producerTimes.get(frame.timestamp) ?? {};
    this.#producerTimes.delete(frame.timestamp);
    // Not later than what is on screen: a group the relay resent from its keyframe after cutting
    // the one before (a step down mid-group). Decoded only to reach the frames after it; shown,
    // it would step back in time, and it says nothing of jitter or of this device's speed.
    // (A timeline that starts again far below is a restarted source, not this.)
    const behindMs = this.#lastRenderedPtsMs - ptsMs;
    if (behindMs >= 0 && behindMs < RESENT_WINDOW_MS) {
      frame.close();
      return;
    }
    this.#clock.ready(ptsMs);
    const due = this.#clock.dueAt(ptsMs);
    // Decoded after its time while playing: the margin was too small.
    if (due !== undefined && due < performance.now() && this.#stats.framesRendered > 0) {
      this.#clock.late();
    }
    const at = this.#queue.findIndex((queued) => queued.ptsMs > ptsMs);
    const entry = { frame, ptsMs, producerTimeMs, arrivalMs, decodedMs: performance.now() };
    if (at === -1) this.#queue.push(entry);
    else this.#queue.splice(at, 0, entry);
    // Nothing renders while the tab is hidden; decoders stall when their frames are not given
    // back, so the oldest go.
    while (this.#queue.length > MAX_QUEUED_FRAMES) this.#drop(this.#queue.shift() as QueuedFrame);
  }

  #render(): void {
    if (this.#closed) return;
    this.#frameRequest = requestAnimationFrame(() => this.#render());
    const now = this.#clock.nowMs();
    const sink = this.#sink;
    if (now === undefined || !sink) return;
    const toleranceMs = this.#catchingUp() ? CATCH_UP_TOLERANCE_MS : LATE_TOLERANCE_MS;
    // One frame per display refresh, oldest first: a short burst of late frames plays out a
    // little faster instead of being skipped; frames later than the tolerance are dropped.
    while (this.#queue.length > 1) {
      const [head, next] = this.#queue as [QueuedFrame, QueuedFrame];
      if (next.ptsMs > now || now - head.ptsMs <= toleranceMs) break;
      this.#drop(head);
      this.#queue.shift();
    }
    const head = this.#queue[0];
    if (!head) return;
    // The first frame does not wait for its due time (the jitter margin, the audio output's
    // latency): the viewer sees the keyframe now, and the next frames play on the clock.
    if (!this.#shownFirst) {
      this.#shownFirst = true;
      this.#catchUpFromMs = performance.now();
      this.#draw(sink, this.#queue.shift() as QueuedFrame);
      this.#firstShown.resolve();
      return;
    }
    if (head.ptsMs > now) return;
    const lateMs = now - head.ptsMs;
    if (this.#catchingUp() && lateMs > toleranceMs && this.#newerDecoding(head)) return;
    this.#draw(sink, this.#queue.shift() as QueuedFrame);
    if (this.#catchingUp()) this.#shownCatchingUp(lateMs <= toleranceMs);
  }

  /** In a join's catch-up: the keyframe is up, live is not reached yet. */
  #catchingUp(at = performance.now()): boolean {
    if (this.#catchUpFromMs === undefined) return false;
    if (at - this.#catchUpFromMs <= CATCH_UP_MAX_MS) return true;
    this.#catchUpFromMs = undefined; // never reached: playback goes on as usual
    return false;
  }

  /** A frame was shown during the catch-up: on time ends it; a late one is counted. */
  #shownCatchingUp(onTime: boolean): void {
    if (!onTime) {
      this.#stats.staleFramesShown++;
      return;
    }
    const at = performance.now();
    this.#stats.catchUpMs = at - (this.#catchUpFromMs ?? at);
    this.#catchUpFromMs = undefined;
  }

  /** Frames newer than `head` went into the decoder, and it is still handing frames out. */
  #newerDecoding(head: QueuedFrame): boolean {
    return (
      this.#lastQueuedPtsMs > head.ptsMs &&
      performance.now() - this.#lastOutputAt < DECODER_ACTIVE_MS
    );
  }

  /** The join's catch-up passes over the cached group on purpose: no drop for the ABR to read. */
  #drop(queued: QueuedFrame): void {
    queued.frame.close();
    if (this.#stats.framesRendered > 0 && !this.#catchingUp()) this.#stats.framesDropped++;
  }

  #draw(sink: FrameSink, queued: QueuedFrame): void {
    sink.show(queued.frame);
    this.#lastRenderedPtsMs = queued.ptsMs;
    const at = performance.now();
    this.#stats.rendered(queued.producerTimeMs, at);
    this.#trace(queued, at);
  }

  #trace(queued: QueuedFrame, at: number): void {
    const { producerTimeMs, arrivalMs, decodedMs } = queued;
    if (producerTimeMs === undefined || arrivalMs === undefined) return;
    const deliveryMs = performance.timeOrigin + arrivalMs - producerTimeMs;
    this.#stats.trace.add({
      deliveryMs,
      decodeMs: decodedMs - arrivalMs,
      waitMs: at - decodedMs,
      totalMs: performance.timeOrigin + at - producerTimeMs,
      jitterMarginMs: this.#clock.jitterMs,
      audioOutputMs: this.#clock.outputLatencyMs,
    });
  }
}
