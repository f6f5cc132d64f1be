import { AbrController, type AbrRung, type AbrSample } from './abr-controller.js';
import { DecodeCapacity } from './decode-capacity.js';
import type { MediaTrack } from './media-track.js';
import type { AbrSide } from './player-types.js';
import { abrRungs } from './start-requests.js';
import { VideoFeed } from './video-feed.js';

/**
 * Which video the player asks for: a rendition the viewer picked, or Auto — run by the relay
 * (server-side ABR: the player offers every rendition this device decodes in real time, and
 * narrows that offer when decoding falls behind) or by the player's own AbrController (one
 * rendition at a time, moved by throughput and drops). The player asks it for a feed when it
 * starts, when the choice changes, and once a second (`adapt`).
 */
export class RenditionPicker {
  #tracks: MediaTrack[] = [];
  /** The tracks as the ABR sees them (abrRungs). */
  #rungs: AbrRung[] = [];
  #choice: string;
  #side: AbrSide;
  /** The relay ignored the switching set (it does not do server-side ABR): Auto is ours. */
  #relayDeclined = false;
  #abr: AbrController | undefined;
  readonly #capacity = new DecodeCapacity();

  constructor(choice: string, side: AbrSide) {
    this.#choice = choice;
    this.#side = side;
  }

  /** The catalog's video renditions, lowest bitrate first. */
  get tracks(): readonly MediaTrack[] {
    return this.#tracks;
  }

  /** `auto` or a rendition's label. */
  get choice(): string {
    return this.#choice;
  }

  get side(): AbrSide {
    return this.#side;
  }

  /** Whether the relay turned out not to choose (the player's Auto took over). */
  get relayDeclined(): boolean {
    return this.#relayDeclined;
  }

  /** A hand-picked rendition turns Auto off; `auto` turns it back on. */
  choose(choice: string): void {
    this.#choice = choice;
  }

  /** Who runs Auto from now on; the choice becomes Auto. */
  chooseSide(side: AbrSide): void {
    this.#side = side;
    this.#choice = 'auto';
  }

  /**
   * A catalog's renditions, lowest bitrate first (playableTracks): the player's ABR and the
   * decode limit start over on them.
   */
  useTracks(tracks: MediaTrack[], showablePx: number): void {
    this.#tracks = tracks;
    const rungs = abrRungs(tracks);
    this.#rungs = rungs;
    this.#abr = new AbrController(rungs);
    const start = AbrController.initial(rungs, showablePx);
    this.#capacity.setRungs(
      rungs,
      rungs.findIndex((r) => r.name === start),
    );
  }

  /** The feed to start on: the ABR's pick for this screen, as the choice asks for it. */
  startFeed(showablePx: number): VideoFeed | undefined {
    return this.feedFor(this.byName(AbrController.initial(this.#rungs, showablePx)));
  }

  /**
   * What to subscribe for the current choice: the hand-picked rendition; with Auto (relay) the
   * switching set of every rendition this device decodes; with Auto (player) one rendition,
   * `playerPick` (the player's ABR moves it).
   */
  feedFor(playerPick: MediaTrack | undefined): VideoFeed | undefined {
    if (this.#choice !== 'auto') {
      const fixed = this.byLabel(this.#choice);
      if (fixed) return VideoFeed.single(fixed);
    }
    if (this.#side === 'relay' && !this.#relayDeclined && this.#tracks.length > 1) {
      const limit = this.#capacity.limit(performance.now()) ?? Infinity;
      return VideoFeed.switching(this.#tracks.slice(0, limit + 1));
    }
    const track = playerPick ?? this.#tracks[0];
    return track ? VideoFeed.single(track) : undefined;
  }

  /**
   * Auto's decision of this second, from what is subscribed (`target`) and what plays
   * (`current`): the feed to switch to, or undefined to stay. With the relay choosing, the
   * player only keeps the offer to what it decodes in real time — unless the relay turned out
   * not to choose (no rendition tags): then Auto becomes the player's.
   */
  adapt(target: VideoFeed, current: MediaTrack, sample: AbrSample): VideoFeed | undefined {
    if (this.#choice !== 'auto' || !this.#abr) return undefined;
    if (this.#side !== 'relay' || this.#relayDeclined) {
      const next = this.byName(this.#abr.decide(target.first.entry.name, sample));
      return next ? VideoFeed.single(next) : undefined;
    }
    if (target.switching && target.relayChooses === false) {
      this.#relayDeclined = true;
      return VideoFeed.single(current);
    }
    const index = this.#tracks.findIndex((t) => t.entry.name === current.entry.name);
    this.#capacity.observe(
      index,
      { ...sample, skipped: sample.skipped ?? false },
      performance.now(),
    );
    // The offer follows the device's limit both ways: narrowed now, widened once it lifts.
    const feed = this.feedFor(current);
    return feed && feed.key !== target.key ? feed : undefined;
  }

  /** A rendition the player switched to and then gave up on waits before Auto tries it again. */
  holdOff(name: string): void {
    this.#abr?.holdOff(name);
  }

  /** The best rendition this device decodes in real time, when that is not the top one. */
  decodeLimitLabel(): string | undefined {
    const limit = this.#capacity.limit(performance.now());
    if (limit === undefined || limit >= this.#tracks.length - 1) return undefined;
    return this.#tracks[limit]?.label;
  }

  byLabel(label: string): MediaTrack | undefined {
    return this.#tracks.find((t) => t.label === label || t.entry.name === label);
  }

  byName(name: string): MediaTrack | undefined {
    return this.#tracks.find((t) => t.entry.name === name);
  }
}
