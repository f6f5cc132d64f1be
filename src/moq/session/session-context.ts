import type { MoqError } from '../error/index.js';
import type { ControlMessage } from '../message/index.js';
import type { ControlStream } from './control-stream.js';
import type { RequestIdAllocator } from './request-ids.js';
import type { MoqSessionOptions } from './session-options.js';

/** Running totals a session keeps about itself. */
export interface SessionCounters {
  /**
   * Groups this side did not deliver to a subscriber: reset mid-send because newer groups
   * queued up behind them (a slow link), or skipped because the subscriber fell behind the cache.
   */
  groupsDropped: number;
}

/** What the session's publisher and subscriber halves share. */
export interface SessionContext {
  readonly transport: WebTransport;
  readonly control: ControlStream;
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
