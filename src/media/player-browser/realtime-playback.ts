import { abortable, delay, settleWithin } from '../../async/index.js';
import { AudioRenderer } from './audio-renderer.js';
import { createFrameSink, type FrameSink } from './frame-sink.js';
import { LiveClock } from './live-clock.js';
import { parseChunk, timedSamples, type MediaTrack, type TimedSample } from './media-track.js';
import type { Playback, PlaybackContext } from './playback.js';
import { TrackReader, type ReceivedObject } from './track-reader.js';
import type { VideoFeed } from './video-feed.js';
import type { WarmDecoder } from './warm-decoder.js';
import { VideoRenderer } from './video-renderer.js';

/** A video subscription: the one decoding, or the one waiting for its switch point. */
interface VideoSource {
  feed: VideoFeed;
  /** The rendition decoding (a switching feed's changes at the groups the relay switched at). */
  track: MediaTrack;
  /** Set right after creation (the reader's first callback comes later, asynchronously). */
  reader?: TrackReader;
  role: 'active' | 'pending' | 'retired';
  /** Pending only: the switch point (its keyframe's time) and the objects from there on. */
  switchAtMs: number;
  frameMs: number;
  held: ReceivedObject[];
}

/** Closer than this to its due time, a switch point goes ahead without waiting for the old one. */
const SWITCH_MARGIN_MS = 40;
/**
 * A switch point this far ahead of the screen is not waited for: the old rendition is that far
 * behind (its link cannot carry it), so the switch skips ahead instead of playing the backlog.
 */
const FAR_AHEAD_MS = 800;
/** A pending switch that has not happened after this long is abandoned. */
const PENDING_MAX_MS = 4000;
/** The longest the audio waits for the first frame before its output opens anyway. */
const AUDIO_WAIT_MAX_MS = 1500;
/** Audio objects kept while the output opens: ≈ 1 s of 20 ms AAC frames. */
const MAX_WAITING_AUDIO = 50;
/** Without a render for this long while media is due, playback counts as stalled. */
const STALL_MS = 500;

/**
 * Real-time playback: WebCodecs decoders fed straight from the MoQ objects, video to the screen
 * (a FrameSink) and audio to the AudioContext, both on one LiveClock that keeps the delay near
 * the freshest arrivals plus a small jitter margin.
 */
export class RealtimePlayback implements Playback {
  readonly #ctx: PlaybackContext;
  readonly #clock = new LiveClock();
  #sink: FrameSink | undefined;
  readonly #video: VideoRenderer;
  readonly #audioOutput: () => AudioContext;
  #audio: AudioRenderer | undefined;
  /** Applied to the audio renderer once it exists (it is made after the first frame). */
  #muted = false;
  #audioReader: TrackReader | undefined;
  #active: VideoSource | undefined;
  #pending: VideoSource | undefined;
  #closed = false;

  /**
   * `audioOutput` opens the audio output when the audio is about to play: after the first
   * frame (see #audioWhenPictured), so opening it never holds up the picture. `warm`: the
   * decoder the player started for the first rendition (warm-decoder.ts); `sink`: the screen it
   * made meanwhile, already on the stage (the playback owns it from now on).
   */
  constructor(
    ctx: PlaybackContext,
    audioOutput: () => AudioContext,
    warm?: WarmDecoder,
    sink?: FrameSink,
  ) {
    this.#ctx = ctx;
    this.#audioOutput = audioOutput;
    this.#video = new VideoRenderer(this.#clock, ctx.stats, ctx.onError, warm);
    this.#sink = sink;
    if (sink) this.#video.attach(sink);
  }

  async start(video: VideoFeed, audio: MediaTrack | undefined, signal: AbortSignal): Promise<void> {
    this.#video.configure(video.first);
    // The subscriptions go out first (one task's wait lets their writes through); the screen (a
    // media element: 20–30 ms of the main thread) is made during their round trip instead of
    // before it. Frames decoded before it exists wait in the renderer's queue.
    const subscribing = [this.#subscribeVideo(video, 'active', signal)];
    if (audio) subscribing.push(this.#subscribeAudio(audio, signal));
    await delay(0);
    if (!this.#closed && !this.#sink) {
      this.#sink = createFrameSink();
      this.#ctx.stage.prepend(this.#sink.element);
      this.#video.attach(this.#sink);
    }
    await Promise.all(subscribing);
  }

  async switchVideo(video: VideoFeed, signal: AbortSignal): Promise<void> {
    if (this.#active?.feed.key === video.key) {
      this.#retire(this.#pending);
      this.#pending = undefined;
      return;
    }
    await this.#subscribeVideo(video, 'pending', signal);
  }

  jitterMarginMs(): number {
    return Math.round(this.#clock.jitterMs);
  }

  bufferMs(): number {
    return this.#video.aheadMs;
  }

  stalled(): boolean {
    return this.#ctx.stats.framesRendered > 0 && this.#ctx.stats.msSinceRender() > STALL_MS;
  }

  set muted(muted: boolean) {
    this.#muted = muted;
    if (this.#audio) this.#audio.muted = muted;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#retire(this.#active);
    this.#retire(this.#pending);
    this.#audioReader?.close();
    this.#audio?.close();
    this.#video.close();
    this.#sink?.close();
  }

  async #subscribeVideo(
    feed: VideoFeed,
    role: 'active' | 'pending',
    signal: AbortSignal,
  ): Promise<void> {
    const consumer = await feed.subscribe(this.#ctx.session, this.#ctx.namespace);
    if (this.#closed || signal.aborted) {
      consumer.close();
      return;
    }
    this.#ctx.join.mark('subscribe');
    const track = feed.first;
    const source: VideoSource = { feed, track, role, switchAtMs: Infinity, frameMs: 0, held: [] };
    source.reader = new TrackReader(consumer, {
      onObject: (object) => this.#onVideo(source, object),
      onThroughput: this.#ctx.onThroughput,
      onEnd: (error) => {
        if (source.role === 'active') this.#ctx.onEnd(error);
        if (source.role === 'pending') this.#retire(source);
      },
    });
    if (role === 'active') {
      this.#active = source;
      return;
    }
    this.#retire(this.#pending);
    this.#pending = source;
    // A switch that found no switch point in time is given up: its download competes with the
    // rendition playing, on a link that may already be short.
    setTimeout(() => {
      if (source.role !== 'pending' || this.#closed) return;
      this.#retire(source);
      if (this.#pending === source) this.#pending = undefined;
      if (this.#active) this.#ctx.onSwitchAbandoned(this.#active.feed, source.feed);
    }, PENDING_MAX_MS);
  }

  async #subscribeAudio(track: MediaTrack, signal: AbortSignal): Promise<void> {
    const consumer = await this.#ctx.session.subscribe(this.#ctx.namespace, track.entry.name);
    if (this.#closed || signal.aborted) {
      consumer.close();
      return;
    }
    // Until the audio output is open, the newest samples wait (older ones would be late anyway).
    let waiting: TimedSample[][] | undefined = [];
    this.#audioReader = new TrackReader(consumer, {
      onObject: (object) => {
        this.#ctx.stats.received(object.payload.byteLength);
        const samples = timedSamples(track, parseChunk(track, object.payload, object.objectId));
        const first = samples[0];
        if (first) this.#clock.observe(first.ptsMs, object.arrivalMs, 'audio');
        if (!waiting) return this.#audio?.decode(samples);
        waiting.push(samples);
        if (waiting.length > MAX_WAITING_AUDIO) waiting.shift();
      },
      onEnd: (error) => this.#ctx.onEnd(error),
    });
    await this.#audioWhenPictured(signal);
    if (this.#closed || signal.aborted) return;
    const audio = new AudioRenderer(this.#audioOutput(), this.#clock, this.#ctx.stats, (error) =>
      this.#ctx.onError(error),
    );
    audio.configure(track);
    audio.muted = this.#muted;
    this.#audio = audio;
    for (const samples of waiting) audio.decode(samples);
    waiting = undefined;
  }

  /**
   * The audio output opens once the first frame is on screen (or AUDIO_WAIT_MAX_MS passed):
   * opening it holds the page's main thread 10–30 ms, and 370–480 ms for a browser's first
   * audio output, which held up the first frame by as much when it came first.
   */
  async #audioWhenPictured(signal: AbortSignal): Promise<void> {
    await settleWithin(abortable(this.#video.firstShown, signal), AUDIO_WAIT_MAX_MS);
  }

  #onVideo(source: VideoSource, object: ReceivedObject): void {
    if (source.role === 'retired' || this.#closed) return;
    this.#ctx.join.mark('firstObject', object.arrivalMs);
    this.#ctx.stats.received(object.payload.byteLength);
    if (source.role === 'pending') return this.#onPending(source, object);
    this.#decodeVideo(source, object);
    const pending = this.#pending;
    if (pending?.held.length && this.#oldReached(pending)) this.#commit(pending);
  }

  #decodeVideo(source: VideoSource, object: ReceivedObject): void {
    const track = source.feed.trackOf(object);
    const fragment = parseChunk(track, object.payload, object.objectId);
    const samples = timedSamples(track, fragment);
    const first = samples[0];
    if (!first) return;
    if (track.entry.name !== source.track.entry.name) {
      // The tail of a group from before the relay's switch: its frames are behind the switch.
      if (object.objectId !== 0) return;
      this.#relaySwitched(source, track, first.ptsMs);
    }
    this.#clock.observe(first.ptsMs, object.arrivalMs);
    this.#ctx.stats.videoArrived(first.ptsMs, object.arrivalMs);
    this.#video.decode(samples, fragment.producerTimeMs, object.arrivalMs);
  }

  /**
   * The new rendition switches in at a group's first object (a keyframe) that is still ahead
   * of the screen. Its objects wait until the old rendition delivered the frames before that
   * point, so neither a hole nor a repeat shows; a switch point about to fall due goes at once.
   */
  #onPending(source: VideoSource, object: ReceivedObject): void {
    if (source.held.length === 0) {
      if (object.objectId !== 0) return;
      const track = source.feed.trackOf(object);
      const first = timedSamples(track, parseChunk(track, object.payload, object.objectId))[0];
      if (!first?.sample.keyframe || !this.#canSwitchAt(first.ptsMs)) return;
      source.track = track;
      source.switchAtMs = first.ptsMs;
      source.frameMs = first.durationMs;
    }
    source.held.push(object);
    if (this.#oldReached(source) || this.#switchDueSoon(source)) return this.#commit(source);
    if (source.switchAtMs - this.#video.lastRenderedPtsMs > FAR_AHEAD_MS) {
      this.#ctx.stats.skips++;
      this.#commit(source);
    }
  }

  /** A keyframe after what is on screen (if it arrives late, it is late in either rendition). */
  #canSwitchAt(ptsMs: number): boolean {
    return ptsMs > this.#video.lastRenderedPtsMs;
  }

  #oldReached(pending: VideoSource): boolean {
    return this.#video.lastQueuedPtsMs >= pending.switchAtMs - 1.5 * pending.frameMs;
  }

  #switchDueSoon(pending: VideoSource): boolean {
    const due = this.#clock.dueAt(pending.switchAtMs);
    return due !== undefined && due - performance.now() <= SWITCH_MARGIN_MS;
  }

  #commit(source: VideoSource): void {
    this.#retire(this.#active);
    source.role = 'active';
    this.#active = source;
    this.#pending = undefined;
    this.#video.switchTo(source.track, source.switchAtMs);
    this.#ctx.onRendition(source.track, source.feed);
    const held = source.held;
    source.held = [];
    for (const object of held) this.#decodeVideo(source, object);
  }

  /** The relay sent this group from another rendition: a new decoder from its keyframe on. */
  #relaySwitched(source: VideoSource, track: MediaTrack, atPtsMs: number): void {
    source.track = track;
    this.#video.switchTo(track, atPtsMs);
    this.#ctx.onRendition(track, source.feed);
  }

  #retire(source: VideoSource | undefined): void {
    if (!source) return;
    source.role = 'retired';
    source.reader?.close();
  }
}
