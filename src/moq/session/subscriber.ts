import { MoqError, PublishDoneCode, SubscribeErrorCode } from '../error/index.js';
import {
  Version,
  PublishNamespaceError,
  PublishNamespaceOk,
  SubscribeNamespace,
  UnsubscribeNamespace,
  Unsubscribe,
  type PublishDone,
  type PublishNamespace,
  type PublishNamespaceDone,
  type SubscribeError,
  type SubscribeNamespaceError,
  type SubscribeNamespaceOk,
  type SubscribeOk,
} from '../message/index.js';
import {
  BroadcastProducer,
  ChangeSignal,
  TrackProducer,
  type TrackConsumer,
} from '../model/index.js';
import type { EarlySubscribe } from './early-requests.js';
import { announcedOnStream } from './namespace-subscription.js';
import type { SessionContext } from './session-context.js';
import type { Announcement } from './session-options.js';
import { LATE_STREAM_MS } from './session-options.js';
import {
  subscribeMessage,
  type SubscribeOptions,
  type SubscribeRequest,
} from './subscribe-request.js';

const UNCOUNTED_SETTLE_MS = 100;
/**
 * How long SUBSCRIBEs written ahead for this session (a watch page's, for its player) wait to
 * be adopted; the ones the player did not ask for by then are ended (UNSUBSCRIBE).
 */
export const EARLY_ADOPT_MS = 5_000;

/** A track this session receives from the peer. */
interface Subscription {
  requestId: number;
  track: TrackProducer;
  alias: number | undefined;
  /** PUBLISH_DONE arrived: no UNSUBSCRIBE any more, late streams still welcome. */
  done: boolean;
  streamsReceived: number;
  confirm: () => void;
  refuse: (error: MoqError) => void;
}

/**
 * The subscribing half of a session: SUBSCRIBE and its answers, the peer's announcements, and
 * (through DataReceiver) the tracks' data streams.
 */
export class Subscriber {
  readonly #ctx: SessionContext;
  readonly #byRequest = new Map<number, Subscription>();
  readonly #byAlias = new Map<number, Subscription>();
  readonly #consumers = new WeakMap<TrackConsumer, TrackProducer>();
  readonly #aliasChanged = new ChangeSignal();
  readonly #broadcasts = new Map<string, BroadcastProducer>();
  readonly #announcements: Announcement[] = [];
  readonly #announced = new ChangeSignal();
  readonly #namespaceRequests = new Map<
    number,
    { resolve: () => void; reject: (e: MoqError) => void }
  >();
  /** SUBSCRIBEs written ahead (early-requests.ts) that no request of ours adopted yet. */
  readonly #early = new Map<EarlySubscribe, Subscription>();
  #earlyTimer: ReturnType<typeof setTimeout> | undefined;
  #earlyWritten = 0;
  #earlyAdopted = 0;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Takes on SUBSCRIBEs the page already sent on this session's control stream: their answers
   * and data are kept for the requests that adopt them (`subscribeTrack` with the same
   * SUBSCRIBE); after EARLY_ADOPT_MS the rest are ended.
   */
  expectEarly(subscribes: readonly EarlySubscribe[]): void {
    this.#earlyWritten += subscribes.length;
    for (const early of subscribes) {
      const pending = this.#pending(early.message.trackName);
      this.#early.set(early, this.#register(early.requestId, pending.track, pending));
    }
    if (this.#early.size === 0) return;
    this.#earlyTimer = setTimeout(() => {
      this.#earlyTimer = undefined;
      for (const subscription of this.#early.values()) this.#unsubscribe(subscription);
      this.#early.clear();
    }, this.#ctx.options.earlyAdoptMs ?? EARLY_ADOPT_MS);
  }

  /** Subscribes and resolves once the peer accepted (SUBSCRIBE_OK) with a reader of the track. */
  async subscribe(
    namespace: readonly string[],
    name: string,
    options: SubscribeOptions = {},
  ): Promise<TrackConsumer> {
    const track = this.subscribeTrack(namespace, name, options);
    const start = options.start === 'next' ? 'next' : 'latest';
    const consumer = track.consume(start, { lateGroups: options.lateGroups ?? false });
    this.#consumers.set(consumer, track);
    try {
      await track.ready;
    } catch (error) {
      consumer.close();
      throw error;
    }
    return consumer;
  }

  /**
   * Subscribes and returns the track at once; `track.ready` settles with the peer's answer.
   * When the track's last reader leaves, the subscription ends (UNSUBSCRIBE).
   */
  subscribeTrack(
    namespace: readonly string[],
    name: string,
    options: SubscribeOptions = {},
  ): TrackProducer {
    const adopted = this.#adopt({ namespace, name, options });
    if (adopted) return adopted;
    const pending = this.#pending(name);
    void this.#start(pending.track, namespace, options, pending.confirm, pending.refuse);
    return pending.track;
  }

  /** SUBSCRIBEs written ahead for this session, and how many of them its requests adopted. */
  get early(): { written: number; adopted: number } {
    return { written: this.#earlyWritten, adopted: this.#earlyAdopted };
  }

  /** A track waiting for its SUBSCRIBE's answer. */
  #pending(name: string): Pick<Subscription, 'track' | 'confirm' | 'refuse'> {
    let confirm!: () => void;
    let refuse!: (error: MoqError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      confirm = resolve;
      refuse = reject;
    });
    const track = new TrackProducer(name, { ...this.#ctx.options.trackOptions, ready });
    return { track, confirm, refuse };
  }

  /**
   * The track of a SUBSCRIBE written ahead that is exactly the one `request` would send. One for
   * the same track asked differently is ended first: a second subscription to a track in one
   * session is a protocol violation (§SUBSCRIBE).
   */
  #adopt(request: SubscribeRequest): TrackProducer | undefined {
    for (const [early, subscription] of this.#early) {
      if (!early.sameTrack(request)) continue;
      this.#early.delete(early);
      if (this.#early.size === 0) clearTimeout(this.#earlyTimer);
      if (!early.matches(request)) {
        this.#unsubscribe(subscription);
        return undefined;
      }
      this.#earlyAdopted++;
      return subscription.track;
    }
    return undefined;
  }

  /** The request id of the subscription behind a reader this session handed out. */
  requestIdOf(consumer: TrackConsumer): number | undefined {
    const track = this.#consumers.get(consumer);
    if (!track) return undefined;
    for (const subscription of this.#byRequest.values()) {
      if (subscription.track === track) return subscription.requestId;
    }
    return undefined;
  }

  /** The subscription a data stream's track alias names, waiting briefly for its SUBSCRIBE_OK. */
  async trackForAlias(alias: number, waitMs: number): Promise<TrackProducer | undefined> {
    const deadline = AbortSignal.any([AbortSignal.timeout(waitMs), this.#ctx.signal]);
    for (;;) {
      const found = this.#byAlias.get(alias);
      if (found) return found.track;
      try {
        await this.#aliasChanged.changed(deadline);
      } catch {
        return undefined;
      }
    }
  }

  onSubscribeOk(message: SubscribeOk): void {
    const subscription = this.#byRequest.get(message.requestId);
    if (!subscription) return; // unsubscribed meanwhile
    if (this.#byAlias.has(message.trackAlias)) {
      throw MoqError.protocolViolation(`track alias ${message.trackAlias} used twice`);
    }
    subscription.alias = message.trackAlias;
    this.#byAlias.set(message.trackAlias, subscription);
    this.#aliasChanged.notify();
    subscription.confirm();
  }

  onSubscribeError(message: SubscribeError): void {
    const subscription = this.#byRequest.get(message.requestId);
    if (!subscription) return;
    this.#forget(subscription);
    const error = new MoqError(message.errorCode, message.reasonPhrase, 'request');
    subscription.refuse(error);
    subscription.track.close(error);
  }

  onPublishDone(message: PublishDone): void {
    const subscription = this.#byRequest.get(message.requestId);
    if (!subscription || subscription.done) return;
    subscription.done = true;
    const clean =
      message.statusCode === PublishDoneCode.TRACK_ENDED ||
      message.statusCode === PublishDoneCode.SUBSCRIPTION_ENDED;
    const error = clean
      ? undefined
      : new MoqError(message.statusCode, message.reasonPhrase, 'request');
    // PUBLISH_DONE overtakes the data (§PUBLISH_DONE): end the track once all `streamCount`
    // streams arrived and finished, or when the late ones had their chance.
    const { track } = subscription;
    const deadline = Date.now() + LATE_STREAM_MS;
    // A count of 0 may mean "not counted" (some peers always send 0): then wait a beat for
    // streams already on their way.
    const settleBy = message.streamCount === 0 ? Date.now() + UNCOUNTED_SETTLE_MS : 0;
    const check = (): void => {
      if (track.isClosed) return;
      const complete =
        Date.now() >= settleBy &&
        (message.streamCount === 'unknown' ||
          subscription.streamsReceived >= message.streamCount) &&
        allGroupsDone(track);
      if (complete || Date.now() >= deadline || this.#ctx.signal.aborted) {
        track.close(error);
        return;
      }
      setTimeout(check, 10);
    };
    check();
  }

  /** A data stream for this alias arrived (PUBLISH_DONE counts them). */
  noteStream(alias: number): void {
    const subscription = this.#byAlias.get(alias);
    if (subscription) subscription.streamsReceived++;
  }

  /** The peer announces a broadcast: we answer, then expose it for on-demand subscriptions. */
  onPublishNamespace(message: PublishNamespace): void {
    const key = JSON.stringify(message.trackNamespace);
    const namespace = message.trackNamespace;
    const broadcast = new BroadcastProducer(namespace, (name) =>
      this.subscribeTrack(namespace, name),
    );
    try {
      this.#ctx.options.onPublishNamespace?.(broadcast);
    } catch (error) {
      this.#ctx.requestFinished();
      const fields =
        error instanceof MoqError
          ? { errorCode: error.code, reasonPhrase: error.reason }
          : { errorCode: 0, reasonPhrase: String(error) };
      this.#ctx.send(new PublishNamespaceError({ requestId: message.requestId, ...fields }));
      return;
    }
    this.#broadcasts.get(key)?.close();
    this.#broadcasts.set(key, broadcast);
    broadcast.onClose(() => {
      if (this.#broadcasts.get(key) === broadcast) this.#broadcasts.delete(key);
    });
    this.#ctx.send(new PublishNamespaceOk({ requestId: message.requestId }));
    this.#announce({ namespace, active: true });
  }

  onPublishNamespaceDone(message: PublishNamespaceDone): void {
    const key = JSON.stringify(message.trackNamespace);
    const broadcast = this.#broadcasts.get(key);
    if (!broadcast) return;
    this.#broadcasts.delete(key);
    this.#ctx.requestFinished();
    broadcast.drain(); // live subscriptions run until their own PUBLISH_DONE
    this.#announce({ namespace: message.trackNamespace, active: false });
  }

  onSubscribeNamespaceOk(message: SubscribeNamespaceOk): void {
    this.#namespaceRequests.get(message.requestId)?.resolve();
    this.#namespaceRequests.delete(message.requestId);
  }

  onSubscribeNamespaceError(message: SubscribeNamespaceError): void {
    const error = new MoqError(message.errorCode, message.reasonPhrase, 'request');
    this.#namespaceRequests.get(message.requestId)?.reject(error);
    this.#namespaceRequests.delete(message.requestId);
  }

  /** A broadcast the peer announced, to subscribe to its tracks. */
  broadcast(namespace: readonly string[]): BroadcastProducer | undefined {
    return this.#broadcasts.get(JSON.stringify(namespace));
  }

  /**
   * Broadcasts the peer announces under `prefix` (SUBSCRIBE_NAMESPACE): those known now, then
   * each change, until `signal` aborts (UNSUBSCRIBE_NAMESPACE).
   */
  async *announced(prefix: readonly string[], signal?: AbortSignal): AsyncGenerator<Announcement> {
    if (this.#ctx.version === Version.DRAFT_16) {
      // Draft-16 moved SUBSCRIBE_NAMESPACE to a stream of its own (namespace-subscription.ts).
      const stop = signal ? AbortSignal.any([signal, this.#ctx.signal]) : this.#ctx.signal;
      yield* announcedOnStream(this.#ctx, prefix, stop);
      return;
    }
    const requestId = await this.#ctx.nextRequestId();
    const accepted = new Promise<void>((resolve, reject) => {
      this.#namespaceRequests.set(requestId, { resolve, reject });
    });
    let cursor = this.#announcements.length;
    this.#ctx.send(new SubscribeNamespace({ requestId, trackNamespacePrefix: prefix }));
    await accepted;
    const stop = signal ? AbortSignal.any([signal, this.#ctx.signal]) : this.#ctx.signal;
    try {
      for (;;) {
        while (cursor < this.#announcements.length) {
          const entry = this.#announcements[cursor++] as Announcement;
          if (prefix.every((field, i) => entry.namespace[i] === field)) yield entry;
        }
        await this.#announced.changed(stop);
      }
    } catch {
      return;
    } finally {
      if (!this.#ctx.signal.aborted)
        this.#ctx.send(new UnsubscribeNamespace({ trackNamespacePrefix: prefix }));
    }
  }

  /**
   * The session ended: every track ends with its reason. A peer that closed cleanly (NO_ERROR)
   * ended its tracks: they end cleanly too (a group still open is cut, and says so).
   */
  close(error: MoqError | undefined): void {
    const reason = error ?? new MoqError(PublishDoneCode.GOING_AWAY, 'session closed', 'request');
    clearTimeout(this.#earlyTimer);
    this.#early.clear();
    for (const subscription of this.#byRequest.values()) {
      subscription.refuse(reason);
      // After PUBLISH_DONE the track ends with the publisher's own status (onPublishDone's
      // check sees the session gone), not with the session's.
      if (!subscription.done) subscription.track.close(error);
    }
    this.#byRequest.clear();
    this.#byAlias.clear();
    for (const broadcast of this.#broadcasts.values()) broadcast.close(reason);
    this.#broadcasts.clear();
    for (const pending of this.#namespaceRequests.values()) pending.reject(reason);
    this.#namespaceRequests.clear();
    this.#announced.notify();
  }

  async #start(
    track: TrackProducer,
    namespace: readonly string[],
    options: SubscribeOptions,
    confirm: () => void,
    refuse: (error: MoqError) => void,
  ): Promise<void> {
    let requestId: number;
    try {
      requestId = await this.#ctx.nextRequestId();
    } catch (error) {
      const reason = new MoqError(SubscribeErrorCode.INTERNAL_ERROR, String(error), 'request');
      refuse(reason);
      track.close(reason);
      return;
    }
    this.#register(requestId, track, { confirm, refuse });
    this.#ctx.send(subscribeMessage(requestId, { namespace, name: track.name, options }));
  }

  #register(
    requestId: number,
    track: TrackProducer,
    answer: Pick<Subscription, 'confirm' | 'refuse'>,
  ): Subscription {
    const subscription: Subscription = {
      requestId,
      track,
      alias: undefined,
      done: false,
      streamsReceived: 0,
      ...answer,
    };
    this.#byRequest.set(requestId, subscription);
    track.onIdle(() => this.#unsubscribe(subscription));
    track.onClose(() => this.#forget(subscription));
    return subscription;
  }

  #unsubscribe(subscription: Subscription): void {
    if (!this.#byRequest.has(subscription.requestId)) return;
    this.#forget(subscription);
    if (!this.#ctx.signal.aborted && !subscription.done)
      this.#ctx.send(new Unsubscribe({ requestId: subscription.requestId }));
    subscription.track.close();
  }

  #forget(subscription: Subscription): void {
    this.#byRequest.delete(subscription.requestId);
    if (
      subscription.alias !== undefined &&
      this.#byAlias.get(subscription.alias) === subscription
    ) {
      this.#byAlias.delete(subscription.alias);
    }
  }

  #announce(entry: Announcement): void {
    this.#announcements.push(entry);
    this.#announced.notify();
  }
}

function allGroupsDone(track: TrackProducer): boolean {
  return track.cachedGroups.every((group) => group.isClosed);
}
