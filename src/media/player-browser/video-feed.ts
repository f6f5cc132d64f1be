import {
  Parameters,
  RENDITION_EXTENSION,
  type MoqSession,
  type SubscribeRequest,
  type SwitchingSetEntry,
  type TrackConsumer,
} from '../../moq/index.js';
import type { MediaTrack } from './media-track.js';
import type { ReceivedObject } from './track-reader.js';

/** Groups whose rendition is remembered (a group still arriving while newer ones start). */
const REMEMBERED_GROUPS = 8;
/**
 * DELIVERY_TIMEOUT asked of the relay: a group still arriving this long after the next one
 * started is not wanted (real time plays the newer keyframe instead of a late tail).
 */
export const VIDEO_DELIVERY_TIMEOUT_MS = 300;

/**
 * What one video subscription carries: a single rendition, or a switching set from which the
 * relay picks a rendition per group (server-side ABR). A switching subscription names the
 * lowest rendition as its track, so a relay that does not know SWITCHING_SET ignores the
 * parameter and serves that track plainly — its groups then carry no rendition tag, and the
 * player knows to choose for itself (`relayChooses` turns false).
 */
export class VideoFeed {
  /** Lowest bitrate first; the first is the track the subscription names. */
  readonly tracks: readonly MediaTrack[];
  readonly #groups = new Map<number, MediaTrack>();
  #relayChooses: boolean | undefined;

  private constructor(tracks: readonly MediaTrack[]) {
    this.tracks = tracks;
  }

  static single(track: MediaTrack): VideoFeed {
    return new VideoFeed([track]);
  }

  /** A switching set of `tracks` (a set of one is a plain subscription). */
  static switching(tracks: readonly MediaTrack[]): VideoFeed {
    const sorted = [...tracks].sort((a, b) => (a.entry.bitrate ?? 0) - (b.entry.bitrate ?? 0));
    return new VideoFeed(sorted);
  }

  get switching(): boolean {
    return this.tracks.length > 1;
  }

  get first(): MediaTrack {
    return this.tracks[0] as MediaTrack;
  }

  /** Identifies what is subscribed: two feeds with the same key carry the same thing. */
  get key(): string {
    return this.tracks.map((t) => t.entry.name).join('\n');
  }

  /** True once a tagged group arrived, false once an untagged one did: undefined before. */
  get relayChooses(): boolean | undefined {
    return this.#relayChooses;
  }

  /** `realtime`: late group tails are dropped at the relay (DELIVERY_TIMEOUT). */
  subscribe(
    session: MoqSession,
    namespace: readonly string[],
    realtime = true,
  ): Promise<TrackConsumer> {
    const { name, options } = this.request(namespace, realtime);
    return session.subscribe(namespace, name, options);
  }

  /** What `subscribe` asks the session for: the watch page writes the same ahead (start-requests.ts). */
  request(namespace: readonly string[], realtime = true): SubscribeRequest {
    const parameters = realtime
      ? Parameters.from({ deliveryTimeoutMs: VIDEO_DELIVERY_TIMEOUT_MS })
      : undefined;
    const options = parameters ? { parameters } : {};
    const name = this.first.entry.name;
    if (!this.switching) return { namespace, name, options };
    const switchingSet: SwitchingSetEntry[] = this.tracks.map((t) => ({
      trackName: t.entry.name,
      bitrateBps: t.entry.bitrate ?? 0,
    }));
    return { namespace, name, options: { switchingSet, ...options } };
  }

  /** The rendition an object belongs to: object 0 of a group says, the rest follow it. */
  trackOf(object: ReceivedObject): MediaTrack {
    if (!this.switching) return this.first;
    if (object.objectId === 0) this.#tag(object);
    return this.#groups.get(object.groupId) ?? this.first;
  }

  #tag(object: ReceivedObject): void {
    const tag = object.extensions?.find((e) => e.type === RENDITION_EXTENSION)?.value;
    const track = typeof tag === 'number' ? this.tracks[tag] : undefined;
    this.#relayChooses ??= track !== undefined;
    this.#groups.set(object.groupId, track ?? this.first);
    for (const id of this.#groups.keys()) {
      if (id <= object.groupId - REMEMBERED_GROUPS) this.#groups.delete(id);
    }
  }
}
