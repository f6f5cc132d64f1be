import { parseChunk, timedSamples, type MediaTrack } from './media-track.js';
import { withoutPrft } from './mp4-boxes.js';
import type { Playback, PlaybackContext } from './playback.js';
import { PlayerError } from './player-error.js';
import { SourceBufferQueue } from './source-buffer-queue.js';
import { TrackReader, type ReceivedObject } from './track-reader.js';
import { VideoFeed } from './video-feed.js';

/** The buffer MSE playback aims for, and how far past it playback jumps back to it. */
const TARGET_BUFFER_S = 1.0;
const MAX_BUFFER_S = 2.5;
const TRIM_BEHIND_S = 10;
const TICK_MS = 200;
/** A switch point must lie at least this far ahead of the play head. */
const SWITCH_AHEAD_S = 0.3;

interface Lane {
  feed: VideoFeed;
  /** The rendition whose init segment went in last. */
  track: MediaTrack;
  reader?: TrackReader;
  queue: SourceBufferQueue;
}

/** A video subscription waiting for its switch point. */
interface Pending {
  feed: VideoFeed;
  track: MediaTrack;
  reader?: TrackReader;
}

/**
 * Buffered playback on Media Source Extensions: one SourceBuffer per track with its own
 * operation queue, about a second of buffer, a gentle playback-rate nudge to hold it there, and
 * a jump to the live edge when playback stalls or falls too far behind.
 */
export class BufferedPlayback implements Playback {
  readonly #ctx: PlaybackContext;
  readonly #element: HTMLVideoElement;
  readonly #source = new MediaSource();
  readonly #producerTimes: Array<{ ptsS: number; producerTimeMs: number }> = [];
  #video: Lane | undefined;
  #audio: Lane | undefined;
  #pending: Pending | undefined;
  #audioPts: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #waitingSince: number | undefined;
  #closed = false;

  constructor(ctx: PlaybackContext) {
    this.#ctx = ctx;
    this.#element = document.createElement('video');
    this.#element.className = 'moq-video';
    this.#element.playsInline = true;
    this.#element.autoplay = true;
    Object.assign(this.#element.style, {
      width: '100%',
      height: '100%',
      display: 'block',
      background: '#000',
    });
    this.#element.src = URL.createObjectURL(this.#source);
    this.#element.addEventListener('waiting', () => (this.#waitingSince ??= performance.now()));
    this.#element.addEventListener('playing', () => (this.#waitingSince = undefined));
    ctx.stage.prepend(this.#element);
  }

  async start(video: VideoFeed, audio: MediaTrack | undefined, signal: AbortSignal): Promise<void> {
    await this.#opened(signal);
    this.#video = this.#lane(video);
    if (audio) this.#audio = this.#lane(VideoFeed.single(audio));
    const subscribing = [this.#subscribe(this.#video, signal)];
    if (this.#audio) subscribing.push(this.#subscribe(this.#audio, signal));
    await Promise.all(subscribing);
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#watchFrames();
  }

  async switchVideo(video: VideoFeed, signal: AbortSignal): Promise<void> {
    if (!this.#video || this.#video.feed.key === video.key) return;
    this.#pending?.reader?.close();
    const pending: Pending = { feed: video, track: video.first };
    this.#pending = pending;
    const consumer = await video.subscribe(this.#ctx.session, this.#ctx.namespace, false);
    if (this.#closed || signal.aborted || this.#pending !== pending) {
      consumer.close();
      return;
    }
    let switched = false;
    pending.reader = new TrackReader(consumer, {
      onThroughput: this.#ctx.onThroughput,
      onObject: (object) => {
        if (!switched && !this.#isSwitchPoint(pending, object)) return;
        if (!switched) this.#commit(pending);
        switched = true;
        this.#append(this.#video as Lane, object);
      },
      onEnd: (error) => (switched ? this.#ctx.onEnd(error) : undefined),
    });
  }

  jitterMarginMs(): undefined {
    return undefined;
  }

  bufferMs(): number {
    return Math.max(0, (this.#bufferedEnd() - this.#element.currentTime) * 1000);
  }

  stalled(): boolean {
    return this.#waitingSince !== undefined && performance.now() - this.#waitingSince > 500;
  }

  set muted(muted: boolean) {
    this.#element.muted = muted;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const lane of [this.#video, this.#audio]) {
      lane?.reader?.close();
      lane?.queue.close();
    }
    this.#pending?.reader?.close();
    URL.revokeObjectURL(this.#element.src);
    this.#element.removeAttribute('src');
    this.#element.load();
    this.#element.remove();
  }

  async #opened(signal: AbortSignal): Promise<void> {
    if (this.#source.readyState === 'open') return;
    await new Promise<void>((resolve, reject) => {
      this.#source.addEventListener('sourceopen', () => resolve(), { once: true });
      signal.addEventListener('abort', () => reject(new PlayerError('ABORTED', 'aborted')), {
        once: true,
      });
    });
  }

  #lane(feed: VideoFeed): Lane {
    const track = feed.first;
    const type = `${track.info.kind}/mp4; codecs="${track.info.codec}"`;
    if (!MediaSource.isTypeSupported(type)) {
      throw new PlayerError('UNSUPPORTED_CODEC', `this browser cannot play ${type}`);
    }
    const buffer = this.#source.addSourceBuffer(type);
    const queue = new SourceBufferQueue(buffer, (error) => this.#ctx.onError(error));
    queue.append(track.init);
    return { feed, track, queue };
  }

  async #subscribe(lane: Lane, signal: AbortSignal): Promise<void> {
    const consumer = await lane.feed.subscribe(this.#ctx.session, this.#ctx.namespace, false);
    if (this.#closed || signal.aborted) {
      consumer.close();
      return;
    }
    lane.reader = new TrackReader(consumer, {
      onObject: (object) => this.#append(lane, object),
      ...(lane === this.#video ? { onThroughput: this.#ctx.onThroughput } : {}),
      onEnd: (error) => this.#ctx.onEnd(error),
    });
  }

  #append(lane: Lane, object: ReceivedObject): void {
    if (this.#closed) return;
    this.#ctx.stats.received(object.payload.byteLength);
    const track = lane.feed.trackOf(object);
    if (track.entry.name !== lane.track.entry.name) {
      // The tail of a group from before the relay's switch: not wanted after the new init.
      if (object.objectId !== 0) return;
      this.#useInit(lane, track);
      this.#ctx.onRendition(track, lane.feed);
    }
    const fragment = parseChunk(track, object.payload, object.objectId);
    const samples = timedSamples(track, fragment);
    if (lane === this.#audio) {
      for (const sample of samples) this.#audioPts.push(sample.ptsMs / 1000);
    } else if (samples[0]) {
      this.#ctx.stats.videoArrived(samples[0].ptsMs, object.arrivalMs);
    }
    if (lane !== this.#audio && fragment.producerTimeMs !== undefined && samples[0]) {
      this.#producerTimes.push({
        ptsS: samples[0].ptsMs / 1000,
        producerTimeMs: fragment.producerTimeMs,
      });
    }
    lane.queue.append(withoutPrft(object.payload));
  }

  #isSwitchPoint(pending: Pending, object: ReceivedObject): boolean {
    if (object.objectId !== 0) return false;
    const track = pending.feed.trackOf(object);
    pending.track = track;
    const first = timedSamples(track, parseChunk(track, object.payload, object.objectId))[0];
    if (!first?.sample.keyframe) return false;
    return first.ptsMs / 1000 > this.#element.currentTime + SWITCH_AHEAD_S;
  }

  /** The new rendition's init segment goes in, then its media from the switch point on. */
  #commit(pending: Pending): void {
    const lane = this.#video as Lane;
    lane.reader?.close();
    this.#useInit(lane, pending.track);
    lane.feed = pending.feed;
    lane.reader = pending.reader;
    this.#pending = undefined;
    this.#ctx.onRendition(pending.track, pending.feed);
  }

  /** Another rendition's media follows: its init segment first (and its codec, if it differs). */
  #useInit(lane: Lane, track: MediaTrack): void {
    if (lane.track.info.codec !== track.info.codec) {
      lane.queue.changeType(`video/mp4; codecs="${track.info.codec}"`);
    }
    lane.queue.append(track.init);
    lane.track = track;
  }

  #bufferedEnd(): number {
    const ranges = this.#element.buffered;
    return ranges.length > 0 ? ranges.end(ranges.length - 1) : this.#element.currentTime;
  }

  /** Holds the buffer near its target: start, nudge the rate, jump to live on a stall. */
  #tick(): void {
    const element = this.#element;
    const ranges = element.buffered;
    if (ranges.length === 0) return;
    const end = this.#bufferedEnd();
    const ahead = end - element.currentTime;
    const outside = !inRanges(ranges, element.currentTime);
    if (ahead > MAX_BUFFER_S || outside || this.stalled()) {
      if (end - TARGET_BUFFER_S > ranges.start(ranges.length - 1) || outside) {
        element.currentTime = Math.max(ranges.start(ranges.length - 1), end - TARGET_BUFFER_S);
        this.#waitingSince = undefined;
      }
    }
    element.playbackRate = ahead > TARGET_BUFFER_S * 1.4 ? 1.05 : ahead < 0.5 ? 0.97 : 1;
    if (element.paused && ahead >= TARGET_BUFFER_S * 0.5) element.play().catch(() => undefined);
    this.#countAudio(element.currentTime);
    this.#trim(element.currentTime);
  }

  #countAudio(now: number): void {
    let played = 0;
    while ((this.#audioPts[played] ?? Infinity) <= now) played++;
    if (played === 0) return;
    this.#audioPts.splice(0, played);
    if (!this.#element.paused) this.#ctx.stats.audioFramesPlayed += played;
  }

  #trim(now: number): void {
    if (now < TRIM_BEHIND_S * 2) return;
    for (const lane of [this.#video, this.#audio]) {
      const ranges = lane?.queue.buffered;
      if (lane && ranges && ranges.length > 0 && ranges.start(0) < now - TRIM_BEHIND_S * 2) {
        lane.queue.remove(0, now - TRIM_BEHIND_S);
      }
    }
    while ((this.#producerTimes[0]?.ptsS ?? Infinity) < now - TRIM_BEHIND_S) {
      this.#producerTimes.shift();
    }
  }

  /** Each presented frame: rendered count, render gaps and glass-to-glass latency. */
  #watchFrames(): void {
    const stats = this.#ctx.stats;
    let decoded = 0;
    let dropped = 0;
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      if (this.#closed) return;
      // Added as deltas, so resetStats() works the same in both modes.
      const quality = this.#element.getVideoPlaybackQuality();
      stats.framesDecoded += quality.totalVideoFrames - decoded;
      stats.framesDropped += quality.droppedVideoFrames - dropped;
      decoded = quality.totalVideoFrames;
      dropped = quality.droppedVideoFrames;
      stats.rendered(this.#producerTimeAt(meta.mediaTime));
      this.#element.requestVideoFrameCallback(onFrame);
    };
    this.#element.requestVideoFrameCallback(onFrame);
  }

  /** The producer time of the frame at `ptsS` (the newest chunk at or before it, extrapolated). */
  #producerTimeAt(ptsS: number): number | undefined {
    let found: { ptsS: number; producerTimeMs: number } | undefined;
    for (const entry of this.#producerTimes) {
      if (entry.ptsS > ptsS + 0.001) break;
      found = entry;
    }
    return found ? found.producerTimeMs + (ptsS - found.ptsS) * 1000 : undefined;
  }
}

function inRanges(ranges: TimeRanges, time: number): boolean {
  for (let i = 0; i < ranges.length; i++) {
    if (time >= ranges.start(i) && time <= ranges.end(i)) return true;
  }
  return false;
}
