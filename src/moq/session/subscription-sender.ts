import { delay } from '../../async/index.js';
import {
  DataStreamResetCode,
  MoqError,
  PublishDoneCode,
  SubscribeErrorCode,
} from '../error/index.js';
import { encodeSharedSubgroupObject, encodeSubgroupHeader } from '../data/index.js';
import { PublishDone, SubscribeError, varintEncodingOf, type Location } from '../message/index.js';
import { Lagged, type GroupConsumer, type TrackConsumer } from '../model/index.js';
import type { JoinableSubscription } from './fetch-responder.js';
import { countDropped, type SessionContext } from './session-context.js';
import { StreamWriter } from './stream-io.js';

/** Subgroup 0, extensions present, FIN ends the group (§Subgroup Header, type 0x19). */
const SUBGROUP_TYPE = 0x19;

export interface SubscriptionSenderOptions {
  requestId: number;
  trackAlias: number;
  consumer: TrackConsumer;
  subscriberPriority: number;
  forward: boolean;
  /** Inclusive last group (AbsoluteRange), if any. */
  endGroup: number | undefined;
  maxInflightGroups: number;
  /**
   * Real-time delivery: a group still sending this long after a newer one started is reset
   * (its tail would arrive too late to show, and it holds the link the newer keyframe needs).
   */
  supersededAfterMs?: number;
  sendOk: (largest: Location | undefined) => void;
}

interface GroupStream {
  groupId: number;
  writer: StreamWriter | undefined;
  abort: AbortController;
  /** A newer group started: this one is reset if still sending after the delivery timeout. */
  expiring?: boolean;
}

/**
 * Serves one subscription: each group goes out on its own unidirectional stream (one subgroup
 * per group, FIN after its last object), newer groups first under congestion. When more than
 * `maxInflightGroups` groups are still sending, the oldest is reset: a viewer that cannot keep
 * up skips to newer groups instead of falling ever further behind, and never gets half a
 * group presented as whole.
 */
export class SubscriptionSender {
  readonly finished: Promise<void>;
  readonly #ctx: SessionContext;
  readonly #options: SubscriptionSenderOptions;
  readonly #inflight: GroupStream[] = [];
  readonly #stop = new AbortController();
  #subscriberPriority: number;
  #streamCount = 0;
  /** The largest location when SUBSCRIBE_OK went out: a joining FETCH ends there. */
  #largestAtStart: Location | undefined;
  #confirmed = false;
  #done: { code: number; reason: string } | undefined;

  constructor(ctx: SessionContext, options: SubscriptionSenderOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#subscriberPriority = options.subscriberPriority;
    this.finished = this.#run();
  }

  /** For a joining FETCH (undefined until the subscription is confirmed). */
  joinable(): JoinableSubscription | undefined {
    if (this.#largestAtStart === undefined && !this.#confirmed) return undefined;
    return { track: this.#options.consumer, largest: this.#largestAtStart };
  }

  /** Its track ended: the last groups and PUBLISH_DONE are on their way. */
  get isEnding(): boolean {
    return this.#options.consumer.trackEnded;
  }

  updatePriority(priority: number): void {
    this.#subscriberPriority = priority;
  }

  /** Ends the subscription from our side (UNSUBSCRIBE, shutdown) with a PUBLISH_DONE code. */
  stop(code: number, reason: string): void {
    this.#done ??= { code, reason };
    this.#stop.abort();
  }

  /** The session is gone: stop without a word. */
  abandon(): void {
    this.#done ??= { code: -1, reason: '' };
    this.#stop.abort();
  }

  async #run(): Promise<void> {
    const { consumer, requestId } = this.#options;
    try {
      await consumer.ready;
    } catch (error) {
      consumer.close();
      this.#ctx.send(new SubscribeError({ requestId, ...refusal(error) }));
      return;
    }
    this.#largestAtStart = consumer.largest;
    this.#confirmed = true;
    this.#options.sendOk(this.#largestAtStart);
    // The SUBSCRIBE_OK's bytes reach the transport (through the control stream's write chain)
    // before the newest group's: a joining viewer's first burst is a whole cached group, and
    // behind it the answer it waits for (to map the data to its track) came 50–100 ms later.
    await delay(0);
    const ended = await this.#forward();
    consumer.close();
    this.#finish(ended);
  }

  /** Pulls groups until the track or the subscription ends; returns why it ended. */
  async #forward(): Promise<{ code: number; reason: string }> {
    const { consumer, endGroup } = this.#options;
    const signal = AbortSignal.any([this.#stop.signal, this.#ctx.signal]);
    const sending: Promise<void>[] = [];
    try {
      for (;;) {
        const next = await consumer.nextGroup(signal);
        if (next === undefined) break;
        if (next instanceof Lagged) {
          countDropped(this.#ctx.counters, 'lagged', next.toGroup - next.fromGroup + 1);
          continue;
        }
        if (endGroup !== undefined && next.groupId > endGroup) break;
        if (!this.#options.forward) continue;
        sending.push(this.#sendGroup(next));
        this.#dropOldest();
        this.#expireSuperseded(this.#inflight.at(-1)?.groupId ?? next.groupId);
        if (endGroup !== undefined && next.groupId === endGroup) break;
      }
    } catch (error) {
      if (this.#done) return this.#done;
      await Promise.allSettled(sending);
      return { code: doneCode(error), reason: reasonOf(error) };
    }
    await Promise.allSettled(sending);
    return this.#done ?? { code: PublishDoneCode.TRACK_ENDED, reason: 'track ended' };
  }

  async #sendGroup(group: GroupConsumer): Promise<void> {
    const entry: GroupStream = {
      groupId: group.groupId,
      writer: undefined,
      abort: new AbortController(),
    };
    // In group order, oldest first: a late group (lateGroups) goes before the newer ones in flight.
    const at = this.#inflight.findIndex((e) => e.groupId > entry.groupId);
    this.#inflight.splice(at === -1 ? this.#inflight.length : at, 0, entry);
    const signal = AbortSignal.any([entry.abort.signal, this.#stop.signal, this.#ctx.signal]);
    try {
      const writable = await this.#ctx.transport.createUnidirectionalStream({
        sendOrder: this.#sendOrder(),
      });
      entry.writer = new StreamWriter(writable as WritableStream<Uint8Array>);
      this.#streamCount++;
      await this.#writeGroup(group, entry.writer, signal);
    } catch (error) {
      entry.writer?.reset(resetCode(error, entry.abort.signal), reasonOf(error));
    } finally {
      const at = this.#inflight.indexOf(entry);
      if (at !== -1) this.#inflight.splice(at, 1);
    }
  }

  async #writeGroup(
    group: GroupConsumer,
    writer: StreamWriter,
    signal: AbortSignal,
  ): Promise<void> {
    const encoding = varintEncodingOf(this.#ctx.version);
    await writer.write(
      encodeSubgroupHeader(
        {
          type: SUBGROUP_TYPE,
          trackAlias: this.#options.trackAlias,
          groupId: group.groupId,
          subgroupId: 0,
          publisherPriority: this.#options.consumer.priority,
          // A group is sent from its object 0 (the cache holds groups whole from their start).
          firstObject: true,
        },
        encoding,
      ),
    );
    let previous: number | undefined;
    // Counted per group, not per object: the session's totals are touched once per stream.
    let bytes = 0;
    let objects = 0;
    try {
      for (
        let object = await group.readObject(signal);
        object;
        object = await group.readObject(signal)
      ) {
        await writer.write(encodeSharedSubgroupObject(object, SUBGROUP_TYPE, previous, encoding));
        previous = object.objectId;
        bytes += object.payload.byteLength;
        objects++;
      }
      await writer.close();
    } finally {
      this.#ctx.counters.bytesSent += bytes;
      this.#ctx.counters.objectsSent += objects;
    }
  }

  /**
   * The subscriber's priority as a W3C sendOrder in 0..127 (higher first), below the control
   * streams' (CONTROL_SEND_ORDER). Groups of one subscription share it: the transport sends equal sendOrders in
   * stream order, so an older group goes before a newer one (ascending, as SUBSCRIBE_OK says);
   * congestion is handled by dropping the oldest (#dropOldest), not by reordering.
   */
  #sendOrder(): number {
    return Math.floor((255 - this.#subscriberPriority) / 2);
  }

  #dropOldest(): void {
    while (this.#inflight.length > this.#options.maxInflightGroups) {
      const oldest = this.#inflight.shift();
      if (!oldest) break;
      // Entries leave #inflight when they finish, so anything shifted here is cut short.
      countDropped(this.#ctx.counters, 'congestion');
      oldest.abort.abort();
    }
  }

  #expireSuperseded(newest: number): void {
    const afterMs = this.#options.supersededAfterMs;
    if (afterMs === undefined) return;
    for (const entry of this.#inflight) {
      if (entry.groupId >= newest || entry.expiring) continue;
      entry.expiring = true;
      const timer = setTimeout(() => {
        if (!this.#inflight.includes(entry)) return; // finished meanwhile
        countDropped(this.#ctx.counters, 'delivery_timeout');
        entry.abort.abort();
      }, afterMs);
      entry.abort.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }
  }

  #finish(ended: { code: number; reason: string }): void {
    if (ended.code < 0 || this.#ctx.signal.aborted) return;
    this.#ctx.send(
      new PublishDone({
        requestId: this.#options.requestId,
        statusCode: ended.code,
        streamCount: this.#streamCount,
        reasonPhrase: ended.reason.slice(0, 1024),
      }),
    );
  }
}

function refusal(error: unknown): { errorCode: number; reasonPhrase: string } {
  if (error instanceof MoqError) return { errorCode: error.code, reasonPhrase: error.reason };
  return { errorCode: SubscribeErrorCode.INTERNAL_ERROR, reasonPhrase: reasonOf(error) };
}

function doneCode(error: unknown): number {
  if (error instanceof MoqError && error.scope === 'request') return error.code;
  return PublishDoneCode.INTERNAL_ERROR;
}

function resetCode(error: unknown, dropped: AbortSignal): number {
  if (dropped.aborted) return DataStreamResetCode.DELIVERY_TIMEOUT;
  if (error instanceof MoqError && error.scope === 'stream') return error.code;
  return DataStreamResetCode.CANCELLED;
}

function reasonOf(error: unknown): string {
  if (error instanceof MoqError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}
