import {
  DataStreamResetCode,
  GroupConsumer,
  MoqError,
  RENDITION_EXTENSION,
  TrackProducer,
  type BroadcastProducer,
  type GroupProducer,
  type SwitchingSetEntry,
  type TrackConsumer,
} from '../../moq/index.js';
import type { LinkEstimate, LinkStats } from './bandwidth-estimator.js';
import { LinkMonitor } from './link-monitor.js';
import {
  RenditionSelector,
  type SelectorOptions,
  type SwitchReason,
} from './rendition-selector.js';

/** Groups of each rendition kept while waiting to be chosen. */
const KEEP_GROUPS = 4;
/** How long a boundary waits for the chosen rendition's group before taking another's. */
const ALIGN_WAIT_MS = 500;
/** This close to the next group's start, that start takes the step: a cut would resend a group. */
const CUT_BEFORE_END_MS = 250;
/**
 * A group's keyframe goes out in a burst at its start and queues for a moment even on a link that
 * carries the rung (a 360p keyframe takes ≈ 250 ms on 1 Mbit/s): congestion then says nothing yet.
 */
const CUT_AFTER_START_MS = 400;

/** One switch (or the start), for stats and metrics. */
export interface RenditionSwitch {
  atMs: number;
  groupId: number;
  from: number | undefined;
  to: number;
  reason: SwitchReason | 'unaligned';
  /** The group being sent was cut short and resent from its start at the lower rendition. */
  midGroup: boolean;
}

/** The group being copied to the viewer now: the one a step down mid-group cuts. */
interface Sending {
  sourceGroupId: number;
  index: number;
  cut: AbortController;
}

/** A viewer's ABR state, readable at any time. */
export interface SwitchingState {
  rendition: number | undefined;
  estimate: LinkEstimate;
  switches: RenditionSwitch[];
  /** The renditions' measured rate over their announced bitrate (undefined until measured). */
  overshoot: number | undefined;
}

export interface SwitchingTrackOptions {
  broadcast: BroadcastProducer;
  entries: readonly SwitchingSetEntry[];
  /**
   * The viewer's link: a session's monitor shared by its switching tracks, or the transport's
   * figures (undefined where the transport has none) for a monitor of this track's own.
   */
  link: LinkMonitor | (() => LinkStats | undefined);
  selector?: SelectorOptions;
  now?: () => number;
  /** Told of every switch, with the estimate it was made on (the relay logs it). */
  onSwitch?: (change: RenditionSwitch, estimate: LinkEstimate) => void;
}

/**
 * Server-side ABR for one viewer: reads every rendition of a switching set (each through the
 * relay's one shared upstream subscription) and forwards, group by group, the one the selector
 * picks from this viewer's link. Every group goes out from its first object (a keyframe), tagged
 * with the rendition's index (RENDITION_EXTENSION on object 0). The relay never parses media:
 * group ids and the subscriber's bitrates are all it uses.
 *
 * A link that turns short mid-group does not wait for the next group's start: the group being
 * sent is cut (its stream reset, so what it still had queued frees the link) and the same group
 * of the lower rendition follows from its start, as the next group id. The viewer's group ids are
 * therefore the source's plus the number of groups cut so far.
 */
export class SwitchingTrack {
  readonly consumer: TrackConsumer;
  readonly #output: TrackProducer;
  readonly #sources: TrackConsumer[];
  readonly #groups: Array<Map<number, GroupConsumer>>;
  readonly #link: LinkMonitor;
  readonly #selector: RenditionSelector;
  readonly #onSwitch: SwitchingTrackOptions['onSwitch'];
  readonly #now: () => number;
  readonly #stop = new AbortController();
  readonly #switches: RenditionSwitch[] = [];
  readonly #waiters = new Set<() => void>();
  #lastGroupId = -1;
  #ended = 0;
  readonly #bitratesBps: readonly number[];
  #lastBoundaryMs: number | undefined;
  /** How long a group lasts, from the wall-clock gaps between group starts. */
  #groupMs: number | undefined;
  /** Measured over announced bitrate, smoothed across the groups sent. */
  #overshoot: number | undefined;
  #sending: Sending | undefined;
  /** Groups cut mid-way so far: the viewer's group ids run this far ahead of the source's. */
  #idShift = 0;

  constructor(options: SwitchingTrackOptions) {
    const { broadcast, entries } = options;
    // Subscribing first: an unknown track throws here, and the subscription is refused.
    this.#sources = entries.map((entry) => broadcast.subscribe(entry.trackName, 'latest'));
    this.#groups = entries.map(() => new Map<number, GroupConsumer>());
    this.#bitratesBps = entries.map((entry) => entry.bitrateBps);
    this.#selector = new RenditionSelector(this.#bitratesBps, options.selector);
    this.#onSwitch = options.onSwitch;
    this.#now = options.now ?? Date.now;
    this.#link =
      options.link instanceof LinkMonitor ? options.link : new LinkMonitor(options.link, this.#now);
    const first = entries[0] as SwitchingSetEntry;
    this.#output = new TrackProducer(first.trackName, { cacheGroups: 2 });
    this.consumer = this.#output.consume('latest');
    this.#output.onIdle(() => this.close());
    const release = this.#link.use();
    const unlisten = this.#link.onSample((estimate) => this.#onSample(estimate));
    this.#stop.signal.addEventListener(
      'abort',
      () => {
        unlisten();
        release();
      },
      { once: true },
    );
    this.#sources.forEach((source, index) => void this.#read(source, index));
  }

  get state(): SwitchingState {
    return {
      rendition: this.#selector.current,
      estimate: this.#link.estimate,
      switches: [...this.#switches],
      overshoot: this.#overshoot,
    };
  }

  /** Stops reading the renditions; the viewer's track ends. Safe to call twice. */
  close(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    for (const source of this.#sources) source.close();
    this.#output.close();
  }

  async #read(source: TrackConsumer, index: number): Promise<void> {
    const signal = this.#stop.signal;
    try {
      for (;;) {
        const next = await source.nextGroup(signal);
        if (next === undefined) break;
        if (!(next instanceof GroupConsumer)) continue;
        const kept = this.#groups[index] as Map<number, GroupConsumer>;
        kept.set(next.groupId, next);
        for (const id of kept.keys()) if (id <= next.groupId - KEEP_GROUPS) kept.delete(id);
        this.#boundary(next.groupId);
        for (const wake of this.#waiters) wake();
        this.#waiters.clear();
      }
    } catch {
      // A rendition that fails ends like one that ended: the others carry on.
    }
    this.#ended += 1;
    if (this.#ended === this.#sources.length) this.close();
  }

  /** A group id no rendition had before: the moment to choose. */
  #boundary(groupId: number): void {
    if (groupId <= this.#lastGroupId || this.#stop.signal.aborted) return;
    this.#lastGroupId = groupId;
    const from = this.#selector.current;
    const now = this.#now();
    if (this.#lastBoundaryMs !== undefined) {
      const intervalMs = now - this.#lastBoundaryMs;
      this.#groupMs =
        this.#groupMs === undefined ? intervalMs : 0.8 * this.#groupMs + 0.2 * intervalMs;
    }
    this.#lastBoundaryMs = now;
    const choice = this.#selector.choose(this.#link.estimate, now);
    void this.#forward(groupId, choice.index, from, choice.reason);
  }

  async #forward(
    groupId: number,
    wanted: number,
    from: number | undefined,
    reason: SwitchReason,
  ): Promise<void> {
    const found = await this.#groupOf(wanted, groupId);
    // Unaligned renditions: stay with one that has this group id (documented fallback).
    const index = found ? wanted : this.#withGroup(groupId, from);
    const source = found ?? (index === undefined ? undefined : this.#groups[index]?.get(groupId));
    if (source === undefined || index === undefined || this.#stop.signal.aborted) return;
    await this.#send(groupId, source, index, from, found ? reason : 'unaligned');
  }

  async #send(
    groupId: number,
    source: GroupConsumer,
    index: number,
    from: number | undefined,
    reason: RenditionSwitch['reason'],
    midGroup = false,
  ): Promise<void> {
    if (index !== from) {
      const change: RenditionSwitch = {
        atMs: this.#now(),
        groupId,
        from,
        to: index,
        reason,
        midGroup,
      };
      this.#switches.push(change);
      if (this.#switches.length > 100) this.#switches.shift();
      this.#onSwitch?.(change, this.#link.estimate);
    }
    let out: GroupProducer;
    try {
      out = this.#output.createGroup(groupId + this.#idShift);
    } catch {
      return; // the viewer's track ended, or this id is already behind it
    }
    const sending: Sending = { sourceGroupId: groupId, index, cut: new AbortController() };
    this.#sending = sending;
    await this.#copy(source, out, index, sending.cut.signal);
    if (this.#sending === sending) this.#sending = undefined;
  }

  /**
   * A new look at the link while a group is being sent: when the selector steps down now, the
   * group is cut and the lower rendition's same group goes out from its start.
   */
  #onSample(estimate: LinkEstimate): void {
    const sending = this.#sending;
    if (!sending || this.#stop.signal.aborted) return;
    // A newer group has started (its choice is on the way), or the next is about to.
    if (sending.sourceGroupId !== this.#lastGroupId) return;
    const now = this.#now();
    const intoGroupMs = now - (this.#lastBoundaryMs ?? now);
    if (intoGroupMs < CUT_AFTER_START_MS) return;
    if (this.#groupMs !== undefined && intoGroupMs > this.#groupMs - CUT_BEFORE_END_MS) return;
    const choice = this.#selector.cut(estimate, now);
    // Already sending that rendition (an unaligned fallback): its group is the one to go on with.
    if (!choice || choice.index === sending.index) return;
    // Unaligned renditions: the next group's start takes the step.
    const lower = this.#groups[choice.index]?.get(sending.sourceGroupId);
    if (!lower) return;
    sending.cut.abort();
    this.#idShift += 1;
    void this.#send(sending.sourceGroupId, lower, choice.index, sending.index, choice.reason, true);
  }

  /** The rendition's group `groupId`, waiting briefly for it to start. */
  async #groupOf(index: number, groupId: number): Promise<GroupConsumer | undefined> {
    const deadline = this.#now() + ALIGN_WAIT_MS;
    for (;;) {
      const group = this.#groups[index]?.get(groupId);
      if (group) return group;
      const leftMs = deadline - this.#now();
      if (leftMs <= 0 || this.#stop.signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, leftMs);
        this.#waiters.add(wake);
      });
    }
  }

  /** A whole group went out: how its real rate compares with the rendition's announced one. */
  #measured(index: number, bytes: number): void {
    const announced = this.#bitratesBps[index] ?? 0;
    if (this.#groupMs === undefined || this.#groupMs <= 0 || announced <= 0) return;
    const ratio = (bytes * 8 * 1000) / this.#groupMs / announced;
    this.#overshoot = this.#overshoot === undefined ? ratio : 0.7 * this.#overshoot + 0.3 * ratio;
    this.#selector.scale = this.#overshoot;
  }

  #withGroup(groupId: number, preferred: number | undefined): number | undefined {
    if (preferred !== undefined && this.#groups[preferred]?.has(groupId)) return preferred;
    const index = this.#groups.findIndex((kept) => kept.has(groupId));
    return index === -1 ? undefined : index;
  }

  async #copy(
    source: GroupConsumer,
    out: GroupProducer,
    index: number,
    cut: AbortSignal,
  ): Promise<void> {
    const signal = AbortSignal.any([this.#stop.signal, cut]);
    let bytes = 0;
    try {
      for (let object = await source.readObject(signal); object;) {
        const tag = object.objectId === 0 ? [{ type: RENDITION_EXTENSION, value: index }] : [];
        out.write(object.payload, object.objectId, [...tag, ...(object.extensions ?? [])]);
        bytes += object.payload.byteLength;
        this.#link.forwarded(object.payload.byteLength);
        object = await source.readObject(signal);
      }
      out.close();
      this.#measured(index, bytes);
    } catch (error) {
      // A cut group's stream is reset as a delivery timeout: its tail would only arrive late.
      if (cut.aborted)
        out.close(
          new MoqError(DataStreamResetCode.DELIVERY_TIMEOUT, 'stepped down mid-group', 'stream'),
        );
      else out.close(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
