import { encodeFetchHeader, encodeFetchObject } from '../data/index.js';
import { DataStreamResetCode, FetchErrorCode, MoqError } from '../error/index.js';
import {
  FetchError,
  FetchOk,
  FetchType,
  GroupOrder,
  compareLocations,
  type Fetch,
  type Location,
} from '../message/index.js';
import type { GroupProducer, MoqObject } from '../model/index.js';
import type { SessionContext } from './session-context.js';
import { StreamWriter } from './stream-io.js';

/** A track's cache, as FETCH reads it (a TrackProducer or a TrackConsumer). */
export interface CachedTrack {
  readonly cachedGroups: readonly GroupProducer[];
  readonly priority: number;
}

/** What a joining FETCH needs to know of the subscription it joins. */
export interface JoinableSubscription {
  track: CachedTrack;
  /** The largest location when the subscription started (§Joining Fetch Range Calculation). */
  largest: Location | undefined;
}

export interface FetchRange {
  track: CachedTrack;
  start: Location;
  /** Exclusive; object 0 means "through the whole of group end.group" (§Standalone Fetch). */
  end: Location;
}

interface FetchedObject {
  groupId: number;
  object: MoqObject;
}

/**
 * Answers FETCH from the track's cache (§FETCH): FETCH_OK with the end it can cover, then one
 * unidirectional stream of the objects, oldest first. Objects no longer cached are not fetched
 * upstream yet; a range with nothing cached is FETCH_ERROR NO_OBJECTS.
 */
export class FetchResponder {
  readonly #ctx: SessionContext;
  readonly #active = new Map<number, AbortController>();

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Resolves the request to a range, or throws a request-scope MoqError (FETCH_ERROR). */
  static range(
    message: Fetch,
    findTrack: (namespace: readonly string[], name: string) => CachedTrack | undefined,
    findSubscription: (requestId: number) => JoinableSubscription | undefined,
  ): FetchRange {
    const target = message.target;
    if (target.type === FetchType.Standalone) {
      const track = findTrack(target.trackNamespace, target.trackName);
      if (!track) throw fetchError(FetchErrorCode.TRACK_DOES_NOT_EXIST, 'no such track');
      if (compareLocations(target.end, target.start) <= 0 && target.end.object !== 0) {
        throw fetchError(FetchErrorCode.INVALID_RANGE, 'end before start');
      }
      return { track, start: target.start, end: target.end };
    }
    const joined = findSubscription(target.joiningRequestId);
    if (!joined) {
      throw fetchError(FetchErrorCode.INVALID_JOINING_REQUEST_ID, 'no such subscription');
    }
    if (!joined.largest) throw fetchError(FetchErrorCode.INVALID_RANGE, 'the track has no objects');
    const startGroup =
      target.type === FetchType.RelativeJoining
        ? Math.max(0, joined.largest.group - target.joiningStart)
        : target.joiningStart;
    return {
      track: joined.track,
      start: { group: startGroup, object: 0 },
      end: { group: joined.largest.group, object: joined.largest.object + 1 },
    };
  }

  async serve(message: Fetch, range: FetchRange): Promise<void> {
    const objects = cachedObjects(range);
    const last = objects.at(-1);
    if (!last) {
      this.#ctx.send(
        errorReply(
          message.requestId,
          fetchError(FetchErrorCode.NO_OBJECTS, 'nothing cached in range'),
        ),
      );
      return;
    }
    this.#ctx.send(
      new FetchOk({
        requestId: message.requestId,
        groupOrder: GroupOrder.Ascending,
        endOfTrack: false,
        endLocation: { group: last.groupId, object: last.object.objectId + 1 },
      }),
    );
    const abort = new AbortController();
    this.#active.set(message.requestId, abort);
    let writer: StreamWriter | undefined;
    try {
      writer = new StreamWriter(
        (await this.#ctx.transport.createUnidirectionalStream()) as WritableStream<Uint8Array>,
      );
      await writer.write(encodeFetchHeader({ requestId: message.requestId }));
      for (const { groupId, object } of objects) {
        if (abort.signal.aborted || this.#ctx.signal.aborted) {
          writer.reset(DataStreamResetCode.CANCELLED, 'fetch cancelled');
          return;
        }
        await writer.write(
          encodeFetchObject({
            groupId,
            subgroupId: 0,
            objectId: object.objectId,
            publisherPriority: range.track.priority,
            extensions: object.extensions,
            payload: object.payload,
          }),
        );
      }
      await writer.close();
    } catch {
      writer?.reset(DataStreamResetCode.INTERNAL_ERROR, 'fetch failed');
    } finally {
      this.#active.delete(message.requestId);
    }
  }

  cancel(requestId: number): void {
    this.#active.get(requestId)?.abort();
  }

  close(): void {
    for (const abort of this.#active.values()) abort.abort();
  }
}

export function fetchError(code: number, reason: string): MoqError {
  return new MoqError(code, reason, 'request');
}

export function errorReply(requestId: number, error: unknown): FetchError {
  if (error instanceof MoqError) {
    return new FetchError({ requestId, errorCode: error.code, reasonPhrase: error.reason });
  }
  return new FetchError({
    requestId,
    errorCode: FetchErrorCode.INTERNAL_ERROR,
    reasonPhrase: error instanceof Error ? error.message : String(error),
  });
}

function cachedObjects(range: FetchRange): FetchedObject[] {
  const out: FetchedObject[] = [];
  const { start, end } = range;
  for (const group of range.track.cachedGroups) {
    if (group.groupId < start.group || group.groupId > end.group) continue;
    for (const object of group.consume().readAvailable()) {
      const at = { group: group.groupId, object: object.objectId };
      if (compareLocations(at, start) < 0) continue;
      if (end.object !== 0 && compareLocations(at, end) >= 0) continue;
      out.push({ groupId: group.groupId, object });
    }
  }
  return out;
}
