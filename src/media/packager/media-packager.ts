import type { BroadcastProducer, TrackProducer } from '../../moq/index.js';
import { splitFmp4 } from '../cmaf/index.js';
import {
  CATALOG_TRACK,
  HANG_CATALOG_TRACK,
  encodeCatalog,
  encodeHangCatalog,
  type Catalog,
} from '../catalog/index.js';
import { PackagedTrack, type PackagerTrackMeta, type TrackStats } from './packaged-track.js';
import { ProducerClock } from './producer-clock.js';
import { PackagerError } from './packager-error.js';

/** MSF §Catalog: the catalog track SHOULD have a higher priority (lower number) than media. */
export const CATALOG_PRIORITY = 0;
/** Audio before video: a stall in sound is worse than a dropped picture. */
export const AUDIO_PRIORITY = 64;
export const VIDEO_PRIORITY = 128;
/** Catalog groups to keep: the newest is all a late joiner needs. */
const CATALOG_CACHE_GROUPS = 2;

export interface MediaPackagerOptions {
  /** Groups each media track keeps for late joiners and slow readers (the model's default). */
  cacheGroups?: number;
  /** Audio group length in ms of media time; default 2000. */
  audioGroupMs?: number;
  /**
   * `anchored`: the source is paced in real time by the encoder (test pattern, file), so each
   * chunk's prft is restated as anchor + media time (see ProducerClock). `as-written` (default):
   * prft stays as the encoder wrote it (piped sources, whose pace is not ours).
   */
  producerClock?: 'anchored' | 'as-written';
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed through whenReady and addTrack
  return { promise, resolve, reject };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/**
 * Publishes fMP4 renditions as a CMSF broadcast: one MoQ track per rendition, a group per GOP
 * (audio: per `audioGroupMs` of media time), an object per CMAF chunk, and the `catalog` track
 * carrying a complete catalog in object 0 of a new group at every change (MSF §Catalog).
 */
export class MediaPackager {
  readonly #broadcast: BroadcastProducer;
  readonly #options: MediaPackagerOptions;
  readonly #tracks = new Map<string, PackagedTrack>();
  /** Tracks whose source is being read, with their init-published promise. */
  readonly #running = new Map<string, Deferred>();
  readonly #stop = new AbortController();
  readonly #catalogTrack: TrackProducer;
  /** The same catalog in hang's format, so moq-dev's players (`@moq/watch`) play us as they are. */
  readonly #hangCatalogTrack: TrackProducer;
  #catalog: Catalog | undefined;
  #closed = false;
  #closeError: Error | undefined;
  readonly #clock: ProducerClock | undefined;

  constructor(broadcast: BroadcastProducer, options: MediaPackagerOptions = {}) {
    this.#broadcast = broadcast;
    this.#options = options;
    this.#clock = options.producerClock === 'anchored' ? new ProducerClock() : undefined;
    // Made up front so viewers can subscribe before the first rendition is ready.
    this.#catalogTrack = broadcast.createTrack(CATALOG_TRACK, {
      priority: CATALOG_PRIORITY,
      cacheGroups: CATALOG_CACHE_GROUPS,
    });
    this.#hangCatalogTrack = broadcast.createTrack(HANG_CATALOG_TRACK, {
      priority: CATALOG_PRIORITY,
      cacheGroups: CATALOG_CACHE_GROUPS,
    });
  }

  /** The catalog last published, if any. */
  catalog(): Catalog | undefined {
    return this.#catalog;
  }

  /**
   * Packages one rendition from its fMP4 bytes. Resolves when the source ends cleanly (the
   * track then ends and leaves the catalog); rejects with the source's, the splitter's or the
   * abort's error, after closing the track with it so its readers see it too. What a broken
   * rendition means for the broadcast is the caller's call.
   */
  async addTrack(
    meta: PackagerTrackMeta,
    source: AsyncIterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.#closed) throw new PackagerError('CLOSED', 'packager is closed');
    if (this.#running.has(meta.name)) {
      throw new PackagerError('DUPLICATE_TRACK', `track ${meta.name} is already packaged`);
    }
    const track = new PackagedTrack(meta, {
      priority: meta.role === 'audio' ? AUDIO_PRIORITY : VIDEO_PRIORITY,
      ...(this.#options.cacheGroups !== undefined
        ? { cacheGroups: this.#options.cacheGroups }
        : {}),
      audioGroupMs: this.#options.audioGroupMs ?? 2000,
    });
    const ready = deferred();
    this.#tracks.set(meta.name, track);
    this.#running.set(meta.name, ready);
    const stop = signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal;
    try {
      await this.#run(track, source, stop, ready);
      track.close();
    } catch (reason) {
      const error = this.#closed ? this.#closeError : asError(reason);
      track.close(error);
      ready.reject(error ?? new PackagerError('CLOSED', 'packager closed before the init'));
      if (error) throw error;
    } finally {
      this.#running.delete(meta.name);
      this.#unlist(track);
    }
  }

  /**
   * Resolves once every track added so far has its init in a published catalog; rejects if one
   * of them failed first.
   */
  async whenReady(signal?: AbortSignal): Promise<void> {
    const all = Promise.all([...this.#running.values()].map((d) => d.promise)).then(
      () => undefined,
    );
    if (!signal) return all;
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(asError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      all.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  stats(): Record<string, TrackStats> {
    const out: Record<string, TrackStats> = {};
    for (const [name, track] of this.#tracks) out[name] = track.stats;
    return out;
  }

  /**
   * Gives every video track the same next group id, the largest among them. Called between
   * two encoders of one broadcast (after the old one's last chunk was packaged, before the new
   * one's first), so group N stays the same moment in every rendition.
   */
  alignVideoGroups(): number {
    const video = [...this.#tracks.values()].filter((track) => track.meta.role === 'video');
    const next = Math.max(0, ...video.map((track) => track.nextGroupId ?? 0));
    for (const track of video) track.skipTo(next);
    return next;
  }

  /** Ends the catalog and every track, with the same reason; safe to call twice. */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#stop.abort(error ?? new PackagerError('CLOSED', 'packager closed'));
    for (const track of this.#tracks.values()) track.close(error);
    this.#catalogTrack.close(error);
    this.#hangCatalogTrack.close(error);
  }

  async #run(
    track: PackagedTrack,
    source: AsyncIterable<Uint8Array>,
    signal: AbortSignal,
    ready: Deferred,
  ): Promise<void> {
    for await (const part of splitFmp4(source, signal)) {
      if (part.kind === 'chunk') {
        if (this.#clock && track.timescale) this.#clock.stamp(part, track.timescale);
        track.write(part);
        continue;
      }
      if (track.init(this.#broadcast, part)) this.#publishCatalog();
      ready.resolve();
    }
  }

  /** A track that ended leaves the catalog (unless the whole broadcast is ending). */
  #unlist(track: PackagedTrack): void {
    if (!track.entry) return;
    track.entry = undefined;
    if (!this.#closed) this.#publishCatalog();
  }

  /** MSF §Catalog: each independent catalog is object 0 of a new group. */
  #publishCatalog(): void {
    const tracks = [...this.#tracks.values()].flatMap((t) => (t.entry ? [t.entry] : []));
    const catalog: Catalog = { version: 1, generatedAt: Date.now(), tracks };
    for (const [track, bytes] of [
      [this.#catalogTrack, encodeCatalog(catalog)],
      [this.#hangCatalogTrack, encodeHangCatalog(catalog)],
    ] as const) {
      const group = track.createGroup();
      group.write(bytes);
      group.close();
    }
    this.#catalog = catalog;
  }
}
