import { FetchErrorCode, MoqError, PublishErrorCode, SessionCloseCode } from '../error/index.js';
import {
  GoAway,
  PublishError,
  MaxRequestId,
  RequestsBlocked,
  Version,
  encodeControlMessage,
  type ControlMessage,
  type Location,
} from '../message/index.js';
import type { BroadcastProducer, TrackConsumer, TrackProducer } from '../model/index.js';
import type { ControlChannel } from './control-channel.js';
import { DataReceiver } from './data-receiver.js';
import { FetchClient, type FetchedObject } from './fetch-client.js';
import { Publisher, type ServedSubscription } from './publisher.js';
import { NamespaceStreams } from './namespace-streams.js';
import { PeerRequestIds, RequestIdAllocator } from './request-ids.js';
import {
  newSessionCounters,
  type SessionContext,
  type SessionCounters,
} from './session-context.js';
import {
  DEFAULT_MAX_REQUESTS,
  type Announcement,
  type MoqSessionOptions,
} from './session-options.js';
import { clientSetup, setupClient, setupServer, type SetupResult } from './setup.js';
import { Subscriber } from './subscriber.js';
import type { SubscribeOptions } from './subscribe-request.js';

/**
 * One MoQ Transport session over a W3C-shaped WebTransport (Chromium's, ours over QUIC, or
 * QMux). Either side may publish and subscribe. `closed` resolves when the session ends cleanly
 * and rejects with the MoqError that ended it.
 */
export class MoqSession {
  readonly version: number;
  readonly isClient: boolean;
  readonly peerImplementation: string | undefined;
  readonly closed: Promise<void>;
  /** Resolves with the new session URI when the peer sends GOAWAY. */
  readonly goaway: Promise<string>;

  readonly #transport: WebTransport;
  readonly #control: ControlChannel;
  readonly #abort = new AbortController();
  readonly #peerIds: PeerRequestIds;
  readonly #publisher: Publisher;
  readonly #subscriber: Subscriber;
  readonly #fetches: FetchClient;
  readonly #openPeerRequests = { count: 0 };
  readonly #counters = newSessionCounters();
  readonly #requestIds: RequestIdAllocator;
  #settleClosed!: (error?: MoqError) => void;
  #onGoaway!: (uri: string) => void;
  #isClosed = false;
  #closing = false;

  private constructor(
    transport: WebTransport,
    setup: SetupResult,
    isClient: boolean,
    options: MoqSessionOptions,
  ) {
    this.#transport = setup.transport ?? transport;
    this.#control = setup.control;
    this.version = setup.version;
    this.isClient = isClient;
    this.peerImplementation = setup.peerImplementation;
    this.closed = new Promise((resolve, reject) => {
      this.#settleClosed = (error) => (error ? reject(error) : resolve());
    });
    this.closed.catch(() => undefined);
    this.goaway = new Promise((resolve) => (this.#onGoaway = resolve));
    const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
    this.#peerIds = new PeerRequestIds(isClient, maxRequests, setup.version === Version.DRAFT_16);
    const requestIds = new RequestIdAllocator(isClient, setup.peerMaxRequestId);
    this.#requestIds = requestIds;
    const ctx = this.#context(requestIds, options);
    this.#publisher = new Publisher(ctx);
    this.#subscriber = new Subscriber(ctx);
    if (setup.earlySubscribes) {
      // Their ids are taken: our own requests continue after them.
      requestIds.skip(setup.earlySubscribes.length);
      this.#subscriber.expectEarly(setup.earlySubscribes);
    }
    this.#fetches = new FetchClient(ctx);
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
    this.#transport.closed.then(
      (info) => this.#end(info.closeCode ? transportError(info) : undefined),
      (error: unknown) => this.#end(transportError(error)),
    );
    void this.#controlLoop();
    void new DataReceiver(ctx, this.#subscriber, this.#fetches).run();
    if (setup.version === Version.DRAFT_16) {
      void new NamespaceStreams(ctx, (requestId) => {
        this.#peerIds.accept(requestId);
        this.#openPeerRequests.count++;
      }).run();
    }
  }

  /** Client side: runs the setup on a ready transport. */
  static async connect(
    transport: WebTransport,
    options: MoqSessionOptions = {},
  ): Promise<MoqSession> {
    await transport.ready;
    const setup = await withSetupErrors(transport, () =>
      setupClient(
        transport,
        maxRequestIdFor(true, options),
        options.signal,
        options.authorizationToken,
      ),
    );
    return new MoqSession(transport, setup, true, options);
  }

  /** Server side: waits for the client's setup on an accepted transport. */
  static async accept(
    transport: WebTransport,
    options: MoqSessionOptions = {},
  ): Promise<MoqSession> {
    const setup = await withSetupErrors(transport, () =>
      setupServer(
        transport,
        maxRequestIdFor(false, options),
        options.signal,
        options.onClientSetup,
      ),
    );
    return new MoqSession(transport, setup, false, options);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Groups this session's publisher dropped for slow links or lagging subscribers. */
  get groupsDropped(): number {
    return this.#counters.groupsDropped;
  }

  get subscriptionsServed(): number {
    return this.#publisher.subscriptionCount;
  }

  /** Running totals (bytes, objects, dropped groups by reason): a copy, read at any time. */
  get counters(): SessionCounters {
    const c = this.#counters;
    return { ...c, groupsDroppedBy: { ...c.groupsDroppedBy } };
  }

  /** The peer's subscriptions this session serves now (for metrics and viewer figures). */
  get servedSubscriptions(): ServedSubscription[] {
    return this.#publisher.subscriptions;
  }

  /** Announces a broadcast to the peer; its tracks are served on request. */
  publish(broadcast: BroadcastProducer): Promise<void> {
    return this.#publisher.publish(broadcast);
  }

  /**
   * SUBSCRIBEs written on this session before it started (a watch page's, for its player), and
   * how many of them its own subscriptions adopted instead of sending theirs.
   */
  get earlySubscriptions(): { written: number; adopted: number } {
    return this.#subscriber.early;
  }

  subscribe(
    namespace: readonly string[],
    name: string,
    options?: SubscribeOptions,
  ): Promise<TrackConsumer> {
    return this.#subscriber.subscribe(namespace, name, options);
  }

  subscribeTrack(
    namespace: readonly string[],
    name: string,
    options?: SubscribeOptions,
  ): TrackProducer {
    return this.#subscriber.subscribeTrack(namespace, name, options);
  }

  /** Objects of [start, end) from the peer's cache (standalone FETCH; end.object 0 = whole group). */
  fetch(
    namespace: readonly string[],
    name: string,
    start: Location,
    end: Location,
  ): Promise<FetchedObject[]> {
    return this.#fetches.standalone(namespace, name, start, end);
  }

  /**
   * The part of a track before a subscription's first object (joining FETCH): the newest
   * `groupsBack` groups' objects up to where the subscription starts.
   */
  fetchJoining(consumer: TrackConsumer, groupsBack = 0): Promise<FetchedObject[]> {
    const requestId = this.#subscriber.requestIdOf(consumer);
    if (requestId === undefined) {
      return Promise.reject(
        new MoqError(
          FetchErrorCode.INVALID_JOINING_REQUEST_ID,
          'not a subscription of this session',
          'request',
        ),
      );
    }
    return this.#fetches.joining(requestId, groupsBack);
  }

  /** Broadcasts the peer announces under `prefix`, live (SUBSCRIBE_NAMESPACE). */
  announced(prefix: readonly string[], signal?: AbortSignal): AsyncGenerator<Announcement> {
    return this.#subscriber.announced(prefix, signal);
  }

  /** A broadcast the peer announced to us. */
  remoteBroadcast(namespace: readonly string[]): BroadcastProducer | undefined {
    return this.#subscriber.broadcast(namespace);
  }

  /** Asks the peer to move to another session (§GOAWAY); '' = reconnect to the same URI. */
  sendGoaway(newSessionUri = ''): void {
    this.#send(new GoAway({ newSessionUri }));
  }

  /**
   * Ends the session: NO_ERROR, or the given error's code and reason. Safe to call twice. A
   * clean close first lets tracks that already ended deliver their last groups and
   * PUBLISH_DONE, and lets queued control messages out (each bounded, so close never hangs);
   * `closed` settles when it is done.
   */
  close(error?: MoqError): void {
    if (this.#isClosed || this.#closing) return;
    this.#closing = true;
    void this.#shutdown(error);
  }

  async #shutdown(error: MoqError | undefined): Promise<void> {
    if (!error) await withTimeout(this.#publisher.ending(), GRACEFUL_CLOSE_MS);
    await this.#control.flushed(CONTROL_FLUSH_MS);
    // A W3C close() drops what the transport has not sent yet; "written" is not "sent".
    if (!error) await new Promise((resolve) => setTimeout(resolve, CLOSE_LINGER_MS));
    try {
      this.#transport.close({
        closeCode: error?.code ?? SessionCloseCode.NO_ERROR,
        reason: (error?.reason ?? '').slice(0, 1024),
      });
    } catch {
      // Already closed underneath.
    }
    this.#end(error);
  }

  #context(requestIds: RequestIdAllocator, options: MoqSessionOptions): SessionContext {
    return {
      transport: this.#transport,
      control: this.#control,
      version: this.version,
      isClient: this.isClient,
      options,
      requestIds,
      counters: this.#counters,
      signal: this.#abort.signal,
      send: (message) => this.#send(message),
      nextRequestId: () =>
        requestIds.next(
          (max) => this.#send(new RequestsBlocked({ maxRequestId: max })),
          this.#abort.signal,
        ),
      requestFinished: () => this.#requestFinished(),
      fail: (error) => this.close(error),
    };
  }

  #send(message: ControlMessage): void {
    if (this.#isClosed) return;
    this.#control.send(message).catch((error: unknown) => {
      this.#abortNow(error instanceof MoqError ? error : transportError(error));
    });
  }

  /** The transport already failed: nothing can be flushed any more. */
  #abortNow(error: MoqError): void {
    try {
      this.#transport.close({ closeCode: error.code, reason: error.reason.slice(0, 1024) });
    } catch {
      // Already closed underneath.
    }
    this.#end(error);
  }

  async #controlLoop(): Promise<void> {
    try {
      for await (const message of this.#control.messages(this.#abort.signal)) {
        this.#dispatch(message);
      }
    } catch (error) {
      if (this.#isClosed) return;
      this.close(error instanceof MoqError ? error : transportError(error));
    }
  }

  #dispatch(message: ControlMessage): void {
    // Draft-18 requests are streams, checked as they arrive and arriving in any order.
    if (isPeerRequest(message) && this.version !== Version.DRAFT_18) {
      this.#peerIds.accept(message.requestId);
      this.#openPeerRequests.count++;
    }
    switch (message.kind) {
      case 'subscribe':
        return this.#publisher.onSubscribe(message);
      case 'subscribe_update':
        return this.#publisher.onSubscribeUpdate(message);
      case 'fetch':
        return this.#publisher.onFetch(message);
      case 'fetch_cancel':
        return this.#publisher.onFetchCancel(message);
      case 'unsubscribe':
        return this.#publisher.onUnsubscribe(message);
      case 'track_status':
        return this.#publisher.onTrackStatus(message);
      case 'subscribe_namespace':
        return this.#publisher.onSubscribeNamespace(message);
      case 'unsubscribe_namespace':
        return this.#publisher.onUnsubscribeNamespace(message);
      case 'publish_namespace_ok':
        return this.#publisher.onPublishNamespaceOk(message);
      case 'publish_namespace_error':
        return this.#publisher.onPublishNamespaceError(message);
      case 'publish_namespace_cancel':
        return this.#publisher.onPublishNamespaceCancel(message);
      case 'subscribe_ok':
        return this.#subscriber.onSubscribeOk(message);
      case 'subscribe_error':
        return this.#subscriber.onSubscribeError(message);
      case 'publish_done':
        return this.#subscriber.onPublishDone(message);
      case 'publish_namespace':
        return this.#subscriber.onPublishNamespace(message);
      case 'publish_namespace_done':
        return this.#subscriber.onPublishNamespaceDone(message);
      case 'fetch_ok':
        return this.#fetches.onFetchOk(message);
      case 'fetch_error':
        return this.#fetches.onFetchError(message);
      case 'subscribe_namespace_ok':
        return this.#subscriber.onSubscribeNamespaceOk(message);
      case 'subscribe_namespace_error':
        return this.#subscriber.onSubscribeNamespaceError(message);
      default:
        return this.#dispatchSession(message);
    }
  }

  #dispatchSession(message: ControlMessage): void {
    switch (message.kind) {
      case 'go_away':
        this.#onGoaway(message.newSessionUri);
        return;
      case 'max_request_id':
        this.#requestIdsRaise(message.maxRequestId);
        return;
      case 'requests_blocked':
        this.#requestFinished();
        return;
      case 'client_setup':
      case 'server_setup':
        throw MoqError.protocolViolation(`${message.kind} after setup`);
      default:
        this.#refuseUnsupported(message);
    }
  }

  /** Requests we do not serve get their error answer; stray answers are ignored. */
  #refuseUnsupported(message: ControlMessage): void {
    const reasonPhrase = 'not supported by this endpoint';
    if (message.kind === 'publish') {
      this.#send(
        new PublishError({
          requestId: message.requestId,
          errorCode: PublishErrorCode.NOT_SUPPORTED,
          reasonPhrase,
        }),
      );
      this.#requestFinished();
    }
  }

  #requestIdsRaise(max: number): void {
    this.#requestIds.raise(max);
  }

  #requestFinished(): void {
    this.#openPeerRequests.count = Math.max(0, this.#openPeerRequests.count - 1);
    const grant = this.#peerIds.grant(this.#openPeerRequests.count);
    if (grant !== undefined) this.#send(new MaxRequestId({ maxRequestId: grant }));
  }

  #end(error: MoqError | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#abort.abort(error ?? new MoqError(SessionCloseCode.NO_ERROR, 'session closed'));
    this.#publisher.close();
    this.#subscriber.close(error);
    this.#fetches.close(error ?? new MoqError(SessionCloseCode.NO_ERROR, 'session closed'));
    this.#settleClosed(error);
  }
}

/** How long a clean close waits for ended tracks to deliver, and for control messages. */
const GRACEFUL_CLOSE_MS = 1000;
const CONTROL_FLUSH_MS = 500;
const CLOSE_LINGER_MS = 100;

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([work, late]);
  clearTimeout(timer);
}

/** Messages that open a request of the peer's (§9.1: they carry a new request id). */
function isPeerRequest(message: ControlMessage): message is Extract<
  ControlMessage,
  {
    kind:
      | 'subscribe'
      | 'fetch'
      | 'track_status'
      | 'subscribe_namespace'
      | 'publish_namespace'
      | 'publish';
  }
> {
  switch (message.kind) {
    case 'subscribe':
    case 'fetch':
    case 'track_status':
    case 'subscribe_namespace':
    case 'publish_namespace':
    case 'publish':
      return true;
    default:
      return false;
  }
}

/**
 * The draft-14 CLIENT_SETUP that `MoqSession.connect` sends with default options, as bytes: what
 * the watch page writes for its player before the player's script runs (early-setup.ts).
 */
export function defaultClientSetupBytes(): Uint8Array {
  return encodeControlMessage(clientSetup(maxRequestIdFor(true, {})), Version.DRAFT_14);
}

function maxRequestIdFor(isClient: boolean, options: MoqSessionOptions): number {
  return (isClient ? 1 : 0) + (options.maxRequests ?? DEFAULT_MAX_REQUESTS) * 2;
}

/** Setup failures close the transport with the error's code, then rethrow it. */
async function withSetupErrors(
  transport: WebTransport,
  run: () => Promise<SetupResult>,
): Promise<SetupResult> {
  try {
    return await run();
  } catch (error) {
    const moq = error instanceof MoqError ? error : await peerCloseReason(transport, error);
    try {
      transport.close({ closeCode: moq.code, reason: moq.reason.slice(0, 1024) });
    } catch {
      // Already closed.
    }
    throw moq;
  }
}

/** How long a failed setup waits for the peer's session close to learn its code. */
const CLOSE_REASON_WAIT_MS = 1000;

/**
 * A refused setup often shows first as a reset control stream; the peer's code and reason
 * (e.g. UNAUTHORIZED, "the token has expired") arrive with the session close just after.
 */
async function peerCloseReason(transport: WebTransport, error: unknown): Promise<MoqError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), CLOSE_REASON_WAIT_MS)),
  );
  const closed = transport.closed.then(
    (info) => (info.closeCode ? transportError(info) : undefined),
    (closeError: unknown) => transportError(closeError),
  );
  const found = await Promise.race([closed, late]);
  clearTimeout(timer);
  return found ?? transportError(error);
}

/** The transport ended under us: its close code (if the peer sent one) becomes ours. */
function transportError(error: unknown): MoqError {
  if (error instanceof MoqError) return error;
  const info = error as { closeCode?: unknown; reason?: unknown; message?: unknown };
  const code =
    typeof info?.closeCode === 'number' ? info.closeCode : SessionCloseCode.INTERNAL_ERROR;
  const reason =
    typeof info?.reason === 'string' && info.reason
      ? info.reason
      : typeof info?.message === 'string'
        ? info.message
        : 'transport closed';
  return new MoqError(code, reason, 'session');
}
