import { Closable } from './closable.js';
import { GroupProducer, type GroupConsumer } from './group.js';
import type { BudgetAccount } from './memory-budget.js';
import { ModelError } from './model-error.js';
import { ChangeSignal } from './signal.js';

export interface TrackOptions {
  /** Groups kept for late joiners and slow readers (the newest is always kept). */
  cacheGroups?: number;
  /** Bytes kept across cached groups (the newest group is kept whatever its size). */
  cacheBytes?: number;
  /** Publisher priority, 0 (highest) .. 255, as the draft defines it. */
  priority?: number;
  /**
   * Settles when the track's source confirms it (the relay's upstream SUBSCRIBE_OK), rejecting
   * with the source's error; local tracks are ready at once.
   */
  ready?: Promise<void>;
  /**
   * The relay-wide memory budget, through the account of the session that feeds this track: the
   * cache draws from it, and gives its oldest groups back when the budget runs short.
   */
  budget?: BudgetAccount;
}

export const DEFAULT_CACHE_GROUPS = 4;
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/** Where a new consumer starts reading. */
export type TrackStart = 'latest' | 'next' | { group: number };

export interface ConsumeOptions {
  /**
   * Also read groups that arrive after a newer one (on a lossy path a group's stream can be
   * overtaken by the next one's): what forwards a track (a relay, a publisher) or wants every
   * group (chat) reads them; a player, which moved on to the newer keyframe, skips them.
   */
  lateGroups?: boolean;
}

/** Ids a reader of late groups passed over and still waits for: the newest this many. */
const LATE_GROUPS_MAX = 16;

/** Told to a consumer that fell so far behind that groups it had not read were dropped. */
export class Lagged {
  readonly kind = 'lagged' as const;
  constructor(
    readonly fromGroup: number,
    readonly toGroup: number,
  ) {}
}

/**
 * A track: groups in increasing id order, with a bounded cache of the newest ones. One producer
 * (a local publisher, or the relay's upstream subscription) writes; any number of consumers read.
 */
export class TrackProducer extends Closable {
  readonly name: string;
  readonly priority: number;
  readonly ready: Promise<void>;
  readonly #groups: GroupProducer[] = [];
  readonly #changed = new ChangeSignal();
  readonly #cacheGroups: number;
  readonly #cacheBytes: number;
  #evictedThrough = -1;
  #cachedBytes = 0;
  #consumers = 0;
  #onIdle: Array<() => void> = [];
  readonly #budget: BudgetAccount | undefined;
  #leaveBudget: (() => void) | undefined;

  constructor(name: string, options: TrackOptions = {}) {
    super();
    this.name = name;
    this.priority = options.priority ?? 128;
    this.ready = options.ready ?? Promise.resolve();
    this.ready.catch(() => undefined);
    this.#cacheGroups = Math.max(1, options.cacheGroups ?? DEFAULT_CACHE_GROUPS);
    this.#cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
    this.#budget = options.budget;
    this.#leaveBudget = this.#budget?.budget.addCache({
      evictableBytes: () =>
        this.#groups.length > 1 ? this.#cachedBytes - (this.latest?.sizeBytes ?? 0) : 0,
      evictOldest: () => this.#evictOldest(),
    });
  }

  /** The newest group, if any is cached. */
  get latest(): GroupProducer | undefined {
    return this.#groups.at(-1);
  }

  get consumerCount(): number {
    return this.#consumers;
  }

  get cachedGroups(): readonly GroupProducer[] {
    return this.#groups;
  }

  hasGroup(groupId: number): boolean {
    return groupId <= this.#evictedThrough || this.#groups.some((g) => g.groupId === groupId);
  }

  /**
   * Starts a group. Ids normally grow; an older id still newer than anything evicted is slotted
   * in (streams of consecutive groups can arrive out of order), a known or evicted one throws.
   */
  createGroup(groupId = (this.latest?.groupId ?? -1) + 1): GroupProducer {
    if (this.isClosed) throw new ModelError('CLOSED', `track ${this.name} is closed`);
    if (this.hasGroup(groupId)) {
      throw new ModelError('GROUP_ORDER', `group ${groupId} of ${this.name} already seen`);
    }
    const group = new GroupProducer(groupId, (sizeBytes) => this.#grew(group, sizeBytes));
    const at = this.#groups.findIndex((g) => g.groupId > groupId);
    if (at === -1) this.#groups.push(group);
    else this.#groups.splice(at, 0, group);
    this.#evict();
    this.#changed.notify();
    return group;
  }

  /** Ends the track; groups still being written are cut short (their readers see an error). */
  close(error?: Error): void {
    if (!this.finish(error)) return;
    const cut = error ?? new ModelError('CLOSED', `track ${this.name} ended mid-group`);
    for (const group of this.#groups) group.close(cut);
    // An ended track's groups are read out and dropped with it: they leave the budget now.
    this.#leaveBudget?.();
    this.#budget?.release(this.#cachedBytes);
    this.#changed.notify();
  }

  consume(start: TrackStart = 'latest', options: ConsumeOptions = {}): TrackConsumer {
    this.#consumers++;
    const cursor = this.#startCursor(start);
    const release = (): void => this.#release();
    return new TrackConsumer(this, this.#changed, cursor, release, options.lateGroups ?? false);
  }

  /** Called whenever the last consumer goes away (the relay unsubscribes upstream then). */
  onIdle(callback: () => void): void {
    this.#onIdle.push(callback);
  }

  /** Internal to TrackConsumer: what to read after `cursor`. */
  nextAfter(cursor: number): GroupProducer | Lagged | undefined {
    if (this.#evictedThrough > cursor) return new Lagged(cursor + 1, this.#evictedThrough);
    return this.#groups.find((g) => g.groupId > cursor);
  }

  #startCursor(start: TrackStart): number {
    if (start === 'latest') return (this.latest?.groupId ?? 0) - 1;
    if (start === 'next') return this.latest?.groupId ?? -1;
    return Math.max(start.group - 1, this.#evictedThrough);
  }

  #grew(group: GroupProducer, sizeBytes: number): void {
    if (!this.#groups.includes(group)) return; // already evicted: its bytes left the cache
    this.#cachedBytes += sizeBytes;
    if (!this.isClosed) this.#budget?.charge(sizeBytes);
    if (this.#cachedBytes > this.#cacheBytes) this.#evict();
  }

  #evict(): void {
    while (this.#groups.length > 1) {
      if (this.#groups.length <= this.#cacheGroups && this.#cachedBytes <= this.#cacheBytes) break;
      this.#evictOldest();
    }
  }

  #evictOldest(): void {
    const oldest = this.#groups.shift();
    if (!oldest) return;
    this.#cachedBytes -= oldest.sizeBytes;
    if (!this.isClosed) this.#budget?.release(oldest.sizeBytes);
    this.#evictedThrough = Math.max(this.#evictedThrough, oldest.groupId);
    if (!oldest.isClosed) oldest.close(new ModelError('CLOSED', `group ${oldest.groupId} evicted`));
  }

  #release(): void {
    this.#consumers--;
    if (this.#consumers > 0) return;
    for (const callback of this.#onIdle) callback();
  }
}

/**
 * One reader of a track: groups in increasing id order from its start, never twice — and, with
 * `lateGroups`, a group that arrived after a newer one as soon as it does (out of order).
 */
export class TrackConsumer {
  readonly name: string;
  #track: TrackProducer;
  #changed: ChangeSignal;
  #cursor: number;
  #release: (() => void) | undefined;
  /** Ids passed over that may still arrive; undefined when late groups are skipped. */
  #awaited: number[] | undefined;
  /** A group was read: ids skipped before the first one are history, not overtaken groups. */
  #readAny = false;

  constructor(
    track: TrackProducer,
    changed: ChangeSignal,
    cursor: number,
    release: () => void,
    lateGroups: boolean,
  ) {
    this.name = track.name;
    this.#track = track;
    this.#changed = changed;
    this.#cursor = cursor;
    this.#release = release;
    this.#awaited = lateGroups ? [] : undefined;
  }

  get priority(): number {
    return this.#track.priority;
  }

  /** The track itself has ended (its last groups may still be read). */
  get trackEnded(): boolean {
    return this.#track.isClosed;
  }

  /** The track's cached groups (FETCH serves from them). */
  get cachedGroups(): readonly GroupProducer[] {
    return this.#track.cachedGroups;
  }

  /** See TrackOptions.ready. */
  get ready(): Promise<void> {
    return this.#track.ready;
  }

  /** The newest object's location, for SUBSCRIBE_OK. */
  get largest(): { group: number; object: number } | undefined {
    const latest = this.#track.latest;
    if (!latest) return undefined;
    return { group: latest.groupId, object: Math.max(0, latest.nextObjectId - 1) };
  }

  /** The newest group id the track has, for SUBSCRIBE_OK's largest location. */
  get latestGroupId(): number | undefined {
    return this.#track.latest?.groupId;
  }

  /**
   * The next group (as soon as it starts: its objects stream in while the caller reads), a
   * `Lagged` when groups this reader never saw were dropped, or undefined once the track ended.
   * Rejects with the track's error if it ended with one.
   */
  async nextGroup(signal?: AbortSignal): Promise<GroupConsumer | Lagged | undefined> {
    for (;;) {
      if (this.#release === undefined) return undefined;
      const next = this.#track.nextAfter(this.#cursor);
      if (next instanceof Lagged) {
        this.#cursor = next.toGroup;
        return next;
      }
      const late = this.#lateArrival();
      if (late) return late.consume();
      if (next) {
        this.#passOver(next.groupId);
        this.#cursor = next.groupId;
        return next.consume();
      }
      if (this.#track.isClosed) {
        if (this.#track.error) throw this.#track.error;
        return undefined;
      }
      await this.#changed.changed(signal);
    }
  }

  /** A group passed over that has arrived since; ids that can no longer come are forgotten. */
  #lateArrival(): GroupProducer | undefined {
    const awaited = this.#awaited;
    if (!awaited?.length) return undefined;
    const cached = this.#track.cachedGroups;
    for (let i = 0; i < awaited.length; i++) {
      const id = awaited[i] as number;
      const group = cached.find((g) => g.groupId === id);
      if (!group && !this.#track.hasGroup(id)) continue; // still on its way
      awaited.splice(i--, 1); // arrived, or evicted (it never will)
      if (group) return group;
    }
    return undefined;
  }

  /** The cursor moves on to `groupId`: the ids between were not there yet. */
  #passOver(groupId: number): void {
    const awaited = this.#awaited;
    const first = !this.#readAny;
    this.#readAny = true;
    if (!awaited || first) return;
    for (let id = Math.max(this.#cursor + 1, groupId - LATE_GROUPS_MAX); id < groupId; id++) {
      if (!this.#track.hasGroup(id)) awaited.push(id);
    }
    if (awaited.length > LATE_GROUPS_MAX) awaited.splice(0, awaited.length - LATE_GROUPS_MAX);
  }

  /** Stops reading; safe to call twice. The last consumer to leave makes the track idle. */
  close(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    this.#changed.notify();
  }

  /** Resolves (or rejects) when the track ends. */
  get closed(): Promise<void> {
    return this.#track.closed;
  }
}
