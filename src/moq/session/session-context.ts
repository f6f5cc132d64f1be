import type { MoqError } from '../error/index.js';
import type { ControlMessage } from '../message/index.js';
import type { ControlChannel } from './control-channel.js';
import type { RequestIdAllocator } from './request-ids.js';
import type { MoqSessionOptions } from './session-options.js';

/** Running totals a session keeps about itself. */
export interface SessionCounters {
  /**
   * Groups this side did not deliver to a subscriber: reset mid-send because newer groups
   * queued up behind them (a slow link), or skipped because the subscriber fell behind the cache.
   */
  groupsDropped: number;
  /** The same groups by why they were dropped (their sum is `groupsDropped`). */
  groupsDroppedBy: Record<GroupDropReason, number>;
  /** Object payload bytes and objects sent on data streams, added as each group's stream ends. */
  bytesSent: number;
  objectsSent: number;
  /** Object payload bytes and objects received on data streams, added as each stream ends. */
  bytesReceived: number;
  objectsReceived: number;
}

/**
 * Why a group was not delivered: `congestion` = reset because more groups were in flight than
 * allowed; `delivery_timeout` = reset because a newer group started and this one was still
 * sending after the delivery timeout; `lagged` = the subscriber fell behind the track's cache.
 */
export type GroupDropReason = 'congestion' | 'delivery_timeout' | 'lagged';

export function newSessionCounters(): SessionCounters {
  return {
    groupsDropped: 0,
    groupsDroppedBy: { congestion: 0, delivery_timeout: 0, lagged: 0 },
    bytesSent: 0,
    objectsSent: 0,
    bytesReceived: 0,
    objectsReceived: 0,
  };
}

/** Counts dropped groups, in total and by reason. */
export function countDropped(counters: SessionCounters, reason: GroupDropReason, groups = 1): void {
  counters.groupsDropped += groups;
  counters.groupsDroppedBy[reason] += groups;
}

/** What the session's publisher and subscriber halves share. */
export interface SessionContext {
  readonly transport: WebTransport;
  readonly control: ControlChannel;
  readonly version: number;
  readonly isClient: boolean;
  readonly options: MoqSessionOptions;
  readonly requestIds: RequestIdAllocator;
  readonly counters: SessionCounters;
  /** Aborts when the session ends. */
  readonly signal: AbortSignal;
  /** Sends a control message; a failure to send ends the session. */
  send(message: ControlMessage): void;
  /** Allocates our next request id (waits for MAX_REQUEST_ID credit). */
  nextRequestId(): Promise<number>;
  /** A request the peer made is over: its id may be granted again. */
  requestFinished(): void;
  /** Ends the session with a session-scope error. */
  fail(error: MoqError): void;
}
