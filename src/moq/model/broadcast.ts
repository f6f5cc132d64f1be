import { Closable } from './closable.js';
import { ModelError } from './model-error.js';
import {
  TrackProducer,
  type ConsumeOptions,
  type TrackConsumer,
  type TrackOptions,
  type TrackStart,
} from './track.js';

/** Makes a track on demand (the relay subscribes upstream here); undefined = no such track. */
export type TrackRequestHandler = (name: string) => TrackProducer | undefined;

/**
 * A broadcast: a track namespace and its tracks. Tracks are created up front by a local
 * publisher, or on first request through a handler (a remote publisher behind the relay); a
 * track requested twice is shared, which is what makes fan-out one upstream subscription.
 */
export class BroadcastProducer extends Closable {
  readonly namespace: readonly string[];
  readonly #tracks = new Map<string, TrackProducer>();
  /** Tracks that only accompany the broadcast (a relay's `.stats`): they end when it drains. */
  readonly #companions = new Set<TrackProducer>();
  #onRequest: TrackRequestHandler | undefined;
  #draining = false;

  constructor(namespace: readonly string[], onRequest?: TrackRequestHandler) {
    super();
    this.namespace = namespace;
    this.#onRequest = onRequest;
  }

  get trackNames(): string[] {
    return [...this.#tracks.keys()];
  }

  /** Publishes a track; a live track of the same name is an error. */
  createTrack(name: string, options?: TrackOptions): TrackProducer {
    if (this.isClosed || this.#draining) {
      throw new ModelError('CLOSED', `broadcast ${this.path} is closed`);
    }
    if (this.#tracks.has(name)) {
      throw new ModelError('DUPLICATE_TRACK', `track ${name} already in ${this.path}`);
    }
    const track = new TrackProducer(name, options);
    this.#adopt(track);
    return track;
  }

  /**
   * A track that accompanies the broadcast without keeping it alive: it ends as soon as the
   * broadcast drains, so a publisher's end is not held up by it (the relay's `.stats`).
   */
  createCompanionTrack(name: string, options?: TrackOptions): TrackProducer {
    const track = this.createTrack(name, options);
    this.#companions.add(track);
    track.onClose(() => this.#companions.delete(track));
    return track;
  }

  /** A live track by name, never created on demand (FETCH reads only what is cached). */
  liveTrack(name: string): TrackProducer | undefined {
    return this.#tracks.get(name);
  }

  /** A live track by name, created through the request handler if there is one. */
  track(name: string): TrackProducer | undefined {
    const known = this.#tracks.get(name);
    if (known) return known;
    if (this.isClosed || this.#draining || !this.#onRequest) return undefined;
    const made = this.#onRequest(name);
    if (made && !made.isClosed) this.#adopt(made);
    return made;
  }

  /** Subscribes to a track: throws ModelError('TRACK_NOT_FOUND') when there is none. */
  subscribe(name: string, start?: TrackStart, options?: ConsumeOptions): TrackConsumer {
    const track = this.track(name);
    if (!track || track.isClosed) {
      throw new ModelError('TRACK_NOT_FOUND', `no track ${name} in ${this.path}`);
    }
    return track.consume(start, options);
  }

  /**
   * A graceful end: no new tracks, the live ones run until their own end, then the broadcast
   * closes cleanly (at once if none is live).
   */
  drain(): void {
    if (this.isClosed) return;
    this.#draining = true;
    for (const companion of [...this.#companions]) companion.close();
    if (this.#tracks.size === 0) this.close();
  }

  get isDraining(): boolean {
    return this.#draining;
  }

  /** Ends the broadcast and every track in it, with the same reason. */
  close(error?: Error): void {
    if (!this.finish(error)) return;
    for (const track of this.#tracks.values()) track.close(error);
    this.#tracks.clear();
  }

  get path(): string {
    return this.namespace.join('/');
  }

  #adopt(track: TrackProducer): void {
    this.#tracks.set(track.name, track);
    track.onClose(() => {
      if (this.#tracks.get(track.name) === track) this.#tracks.delete(track.name);
      if (this.#draining && this.#tracks.size === 0) this.close();
    });
  }
}
