import type { MoqSession } from '../../moq/index.js';
import type { JoinTimeline } from './join-timeline.js';
import type { MediaTrack } from './media-track.js';
import type { PlayerError } from './player-error.js';
import type { StatsRecorder } from './stats-recorder.js';
import type { VideoFeed } from './video-feed.js';

/** What a playback mode needs from the player. */
export interface PlaybackContext {
  session: MoqSession;
  namespace: readonly string[];
  stats: StatsRecorder;
  /** The join's steps: a mode marks its video subscription and first object. */
  join: JoinTimeline;
  /** Where the mode puts its canvas or video element. */
  stage: HTMLElement;
  /** A track ended (undefined = cleanly) — the broadcast is over. */
  onEnd: (error: Error | undefined) => void;
  onError: (error: PlayerError) => void;
  /** The video rendition now being decoded changed: a switch took effect, or the relay's. */
  onRendition: (track: MediaTrack, feed: VideoFeed) => void;
  /** The switch to `abandoned` was given up (no switch point in time); `active` still plays. */
  onSwitchAbandoned: (active: VideoFeed, abandoned: VideoFeed) => void;
  /** A capacity measurement from a video subscription's catch-up burst. */
  onThroughput: (bitsPerSecond: number) => void;
}

/** One playback mode: real-time (WebCodecs) or buffered (MSE). */
export interface Playback {
  /** Subscribes and starts playing; resolves once the subscriptions are accepted. */
  start(video: VideoFeed, audio: MediaTrack | undefined, signal: AbortSignal): Promise<void>;
  /** Subscribes `video` and switches to it at its next group boundary. */
  switchVideo(video: VideoFeed, signal: AbortSignal): Promise<void>;
  /** Media received and not yet shown. */
  bufferMs(): number;
  /** Real-time mode: the live clock's jitter margin now; undefined in buffered mode. */
  jitterMarginMs(): number | undefined;
  /** True while playback waits for media it should already have. */
  stalled(): boolean;
  set muted(muted: boolean);
  close(): void;
}
