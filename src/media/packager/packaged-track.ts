import type { BroadcastProducer, GroupProducer, TrackProducer } from '../../moq/index.js';
import type { CmafChunk, InitSegment } from '../cmaf/index.js';
import { catalogTrack, type CatalogTrack } from '../catalog/index.js';
import { audioGroupPlanner, type GroupPlanner, videoGroupPlanner } from './group-planner.js';
import { PackagerError } from './packager-error.js';
import { RateMeter } from './rate-meter.js';

export interface PackagerTrackMeta {
  name: string;
  role: 'video' | 'audio';
  label?: string;
  bitrateBps?: number;
  framerate?: number;
  /** Renditions of one switching set share an altGroup (CMSF §Switching sets and tracks). */
  altGroup?: number;
  /** Tracks played together share a renderGroup (MSF); default 1. */
  renderGroup?: number;
}

export interface TrackStats {
  bytes: number;
  objects: number;
  groups: number;
  /** Over the last second or so. */
  bitrateBps: number;
}

export interface PackagedTrackOptions {
  priority: number;
  cacheGroups?: number;
  audioGroupMs: number;
}

/**
 * One media track of the packager: its MoQ track, the group being written, its catalog entry
 * and its figures. Created on addTrack; the MoQ track itself appears with the first init.
 */
export class PackagedTrack {
  readonly meta: PackagerTrackMeta;
  entry: CatalogTrack | undefined;
  #producer: TrackProducer | undefined;
  #group: GroupProducer | undefined;
  #planner: GroupPlanner | undefined;
  #timescale: number | undefined;
  #bytes = 0;
  #objects = 0;
  #groups = 0;
  readonly #meter = new RateMeter();
  readonly #options: PackagedTrackOptions;

  constructor(meta: PackagerTrackMeta, options: PackagedTrackOptions) {
    this.meta = meta;
    this.#options = options;
  }

  /** The media timescale from the latest init segment. */
  get timescale(): number | undefined {
    return this.#timescale;
  }

  get producer(): TrackProducer | undefined {
    return this.#producer;
  }

  /** The id the next group will get; undefined before the first init. */
  get nextGroupId(): number | undefined {
    return this.#planner?.nextGroupId;
  }

  /** The next group's id will be at least `groupId` (see GroupPlanner.skipTo). */
  skipTo(groupId: number): void {
    this.#planner?.skipTo(groupId);
  }

  /** Takes an init segment; returns true when the catalog entry changed (publish it). */
  init(broadcast: BroadcastProducer, init: InitSegment): boolean {
    if (init.track.kind !== this.meta.role) {
      throw new PackagerError(
        'ROLE_MISMATCH',
        `track ${this.meta.name} was added as ${this.meta.role} but carries ${init.track.kind}`,
      );
    }
    if (this.#producer) {
      this.#group?.close();
      this.#group = undefined;
      this.#planner?.restart();
    } else {
      this.#producer = broadcast.createTrack(this.meta.name, {
        priority: this.#options.priority,
        ...(this.#options.cacheGroups !== undefined
          ? { cacheGroups: this.#options.cacheGroups }
          : {}),
      });
      this.#planner =
        init.track.kind === 'video'
          ? videoGroupPlanner()
          : audioGroupPlanner(init.track.timescale, this.#options.audioGroupMs);
    }
    this.#timescale = init.track.timescale;
    const entry = catalogTrack(init, { renderGroup: 1, ...this.meta });
    const changed = JSON.stringify(entry) !== JSON.stringify(this.entry);
    this.entry = entry;
    return changed;
  }

  /** One chunk = one object; a chunk the planner says starts a group closes the previous one. */
  write(chunk: CmafChunk): void {
    const producer = this.#producer;
    const planner = this.#planner;
    if (!producer || !planner) return; // the splitter never yields chunks before an init
    const plan = planner.plan(chunk);
    if (plan.kind === 'drop') return;
    if (plan.kind === 'new' || !this.#group) {
      this.#group?.close();
      this.#group = producer.createGroup(plan.kind === 'new' ? plan.groupId : undefined);
      this.#groups++;
    }
    this.#group.write(chunk.bytes);
    this.#bytes += chunk.bytes.length;
    this.#objects++;
    this.#meter.add(chunk.bytes.length);
  }

  /** Ends the track: cleanly (the last group is whole) or with the error that broke it. */
  close(error?: Error): void {
    if (error) this.#group?.close(error);
    else this.#group?.close();
    this.#group = undefined;
    this.#producer?.close(error);
  }

  get stats(): TrackStats {
    return {
      bytes: this.#bytes,
      objects: this.#objects,
      groups: this.#groups,
      bitrateBps: this.#meter.bitsPerSecond,
    };
  }
}
