import { MoqError } from '../error/index.js';
import {
  Fetch,
  FetchType,
  GroupOrder,
  type FetchError,
  type FetchOk,
  type FetchTarget,
  type Location,
} from '../message/index.js';
import { deferred, type Deferred } from './deferred.js';
import type { SessionContext } from './session-context.js';

/** One object a FETCH returned, with its group. */
export interface FetchedObject {
  groupId: number;
  objectId: number;
  payload: Uint8Array;
}

interface PendingFetch {
  objects: FetchedObject[];
  answered: Deferred<void>;
  streamEnded: Deferred<void>;
}

/**
 * Our FETCH requests (§FETCH): the request, its FETCH_OK or FETCH_ERROR, and the one data
 * stream that carries the objects.
 */
export class FetchClient {
  readonly #ctx: SessionContext;
  readonly #pending = new Map<number, PendingFetch>();

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Objects of [start, end) of a track (end.object 0 = all of end.group), from the peer's cache. */
  standalone(
    namespace: readonly string[],
    name: string,
    start: Location,
    end: Location,
  ): Promise<FetchedObject[]> {
    return this.#request({
      type: FetchType.Standalone,
      trackNamespace: namespace,
      trackName: name,
      start,
      end,
    });
  }

  /** The groups before a subscription's first object, `groupsBack` groups back (relative). */
  joining(subscribeRequestId: number, groupsBack: number): Promise<FetchedObject[]> {
    return this.#request({
      type: FetchType.RelativeJoining,
      joiningRequestId: subscribeRequestId,
      joiningStart: groupsBack,
    });
  }

  onFetchOk(message: FetchOk): void {
    this.#pending.get(message.requestId)?.answered.resolve();
  }

  onFetchError(message: FetchError): void {
    const pending = this.#pending.get(message.requestId);
    if (!pending) return;
    this.#pending.delete(message.requestId);
    const error = new MoqError(message.errorCode, message.reasonPhrase, 'request');
    pending.answered.reject(error);
    pending.streamEnded.reject(error);
  }

  /** Where a fetch stream's objects go; undefined for a request we never made. */
  sink(requestId: number): ((object: FetchedObject) => void) | undefined {
    const pending = this.#pending.get(requestId);
    return pending ? (object) => pending.objects.push(object) : undefined;
  }

  streamEnded(requestId: number, error?: Error): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    if (error) pending.streamEnded.reject(error);
    else pending.streamEnded.resolve();
  }

  close(error: Error): void {
    for (const pending of this.#pending.values()) {
      pending.answered.reject(error);
      pending.streamEnded.reject(error);
    }
    this.#pending.clear();
  }

  async #request(target: FetchTarget): Promise<FetchedObject[]> {
    const requestId = await this.#ctx.nextRequestId();
    const pending: PendingFetch = {
      objects: [],
      answered: deferred<void>(),
      streamEnded: deferred<void>(),
    };
    this.#pending.set(requestId, pending);
    this.#ctx.send(
      new Fetch({ requestId, subscriberPriority: 0, groupOrder: GroupOrder.Ascending, target }),
    );
    try {
      await pending.answered.promise;
      await pending.streamEnded.promise;
      return pending.objects;
    } finally {
      this.#pending.delete(requestId);
    }
  }
}
