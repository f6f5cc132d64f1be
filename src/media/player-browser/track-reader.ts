import {
  GroupConsumer,
  type ExtensionHeader,
  type MoqObject,
  type TrackConsumer,
} from '../../moq/index.js';
import { BurstMeter } from './burst-meter.js';

/** One object as it arrived: a CMAF chunk (one frame) of one group. */
export interface ReceivedObject {
  track: string;
  groupId: number;
  objectId: number;
  payload: Uint8Array;
  /** The object's extension headers (a switching set's rendition tag is one). */
  extensions?: readonly ExtensionHeader[];
  /** performance.now() when the object was handed to us. */
  arrivalMs: number;
}

export interface TrackReaderEvents {
  onObject: (object: ReceivedObject) => void;
  /** The track ended: cleanly (undefined) or with the error that ended it. */
  onEnd: (error: Error | undefined) => void;
  /** Capacity measured from the catch-up burst at the start (see BurstMeter). */
  onThroughput?: (bitsPerSecond: number) => void;
}

/**
 * How long a group that stopped making progress keeps its reader once a newer group started:
 * its tail is late already, and the newer group begins with a keyframe.
 */
const STALE_GROUP_GRACE_MS = 150;

/**
 * Reads one subscribed track group by group, newest first: a group overtaken by a newer one and
 * stuck is abandoned, so a congested viewer skips to the next keyframe instead of falling behind.
 */
export class TrackReader {
  readonly track: string;
  readonly #consumer: TrackConsumer;
  readonly #events: TrackReaderEvents;
  readonly #abort = new AbortController();
  readonly #burst: BurstMeter | undefined;
  #bytes = 0;

  constructor(consumer: TrackConsumer, events: TrackReaderEvents) {
    this.track = consumer.name;
    this.#consumer = consumer;
    this.#events = events;
    const report = events.onThroughput;
    this.#burst = report ? new BurstMeter(report) : undefined;
    void this.#run();
  }

  get bytesReceived(): number {
    return this.#bytes;
  }

  /** Stops reading and unsubscribes (when this was the track's last reader). */
  close(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    this.#consumer.close();
  }

  get isClosed(): boolean {
    return this.#abort.signal.aborted;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      let next = this.#consumer.nextGroup(signal);
      for (;;) {
        const group = await next;
        if (group === undefined) break;
        next = this.#consumer.nextGroup(signal);
        if (group instanceof GroupConsumer) await this.#readGroup(group, next, signal);
        this.#burst?.finish();
      }
      if (!signal.aborted) this.#events.onEnd(undefined);
    } catch (error) {
      if (signal.aborted) return;
      this.#events.onEnd(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Reads a group until it ends, or until it stalls while `newer` has started. */
  async #readGroup(
    group: GroupConsumer,
    newer: Promise<unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    let overtaken = false;
    newer.then(
      () => (overtaken = true),
      () => (overtaken = true),
    );
    for (;;) {
      const wait = overtaken ? AbortSignal.timeout(STALE_GROUP_GRACE_MS) : undefined;
      const readSignal = wait ? AbortSignal.any([signal, wait]) : signal;
      let object: MoqObject | undefined;
      try {
        object = await group.readObject(readSignal);
      } catch (error) {
        if (signal.aborted) throw error;
        return; // stalled behind a newer group, or cut short: move on to the next group
      }
      if (object === undefined) return;
      this.#deliver(group.groupId, object);
    }
  }

  #deliver(groupId: number, object: MoqObject): void {
    this.#bytes += object.payload.byteLength;
    this.#burst?.add(object.payload.byteLength, performance.now());
    this.#events.onObject({
      track: this.track,
      groupId,
      objectId: object.objectId,
      payload: object.payload,
      ...(object.extensions ? { extensions: object.extensions } : {}),
      arrivalMs: performance.now(),
    });
  }
}
