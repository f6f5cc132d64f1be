import {
  MoqError,
  PublishDoneCode,
  PublishNamespaceErrorCode,
  SubscribeErrorCode,
  SubscribeNamespaceErrorCode,
  TrackStatusErrorCode,
} from '../error/index.js';
import {
  FilterType,
  GroupOrder,
  Parameters,
  PublishNamespace,
  PublishNamespaceDone,
  SubscribeError,
  SubscribeNamespaceError,
  SubscribeNamespaceOk,
  SubscribeOk,
  TrackStatusError,
  TrackStatusOk,
  type Fetch,
  type FetchCancel,
  type PublishNamespaceCancel,
  type PublishNamespaceError,
  type PublishNamespaceOk,
  type Subscribe,
  decodeSwitchingSet,
  type SwitchingSetEntry,
  type SubscribeNamespace,
  type SubscribeUpdate,
  type TrackStatus,
  type Unsubscribe,
  type UnsubscribeNamespace,
  Version,
} from '../message/index.js';
import {
  ModelError,
  type BroadcastProducer,
  type TrackConsumer,
  type TrackStart,
} from '../model/index.js';
import type { SessionContext } from './session-context.js';
import { DEFAULT_MAX_INFLIGHT_GROUPS } from './session-options.js';
import { FetchResponder, errorReply, type FetchRange } from './fetch-responder.js';
import { SubscriptionSender } from './subscription-sender.js';

/** A subscription of the peer's that this session serves. */
export interface ServedSubscription {
  namespace: readonly string[];
  trackName: string;
  /** A switching set (server-side ABR): the track sent is chosen among several. */
  switchingSet: boolean;
}

interface PendingPublish {
  broadcast: BroadcastProducer;
  resolve: () => void;
  reject: (error: MoqError) => void;
}

/**
 * The publishing half of a session: announces our broadcasts (PUBLISH_NAMESPACE) and serves
 * the peer's SUBSCRIBE, TRACK_STATUS and SUBSCRIBE_NAMESPACE from them (or from the relay's
 * routing, through `resolveBroadcast`).
 */
/** How long a switching-set viewer's older group may keep sending once a newer one started. */
const SUPERSEDED_AFTER_MS = 200;

/**
 * DELIVERY_TIMEOUT, applied per group: once a newer group started, an older one still sending
 * after the timeout is reset (its tail could only arrive late). A switching set is asked for by
 * a real-time viewer, so it gets a short one by default.
 */
function supersededAfter(message: Subscribe): { supersededAfterMs?: number } {
  const timeoutMs = message.parameters.deliveryTimeoutMs;
  if (timeoutMs !== undefined && timeoutMs > 0) return { supersededAfterMs: timeoutMs };
  return message.parameters.switchingSet ? { supersededAfterMs: SUPERSEDED_AFTER_MS } : {};
}

export class Publisher {
  readonly #ctx: SessionContext;
  readonly #published = new Map<string, BroadcastProducer>();
  readonly #pendingPublish = new Map<number, PendingPublish>();
  readonly #senders = new Map<number, SubscriptionSender>();
  readonly #served = new Map<number, ServedSubscription>();
  /** The track each live subscription is for (one per track, §SUBSCRIBE), by request id. */
  readonly #activeTracks = new Map<string, number>();
  readonly #trackOfRequest = new Map<number, string>();
  readonly #fetches: FetchResponder;
  readonly #namespaceWatches = new Map<string, AbortController>();
  readonly #watchByRequest = new Map<number, string>();
  #nextAlias = 0;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    this.#fetches = new FetchResponder(ctx);
  }

  get subscriptionCount(): number {
    return this.#senders.size;
  }

  get subscriptions(): ServedSubscription[] {
    return [...this.#served.values()];
  }

  /** Announces a broadcast; resolves on PUBLISH_NAMESPACE_OK, rejects with the peer's error. */
  async publish(broadcast: BroadcastProducer): Promise<void> {
    const requestId = await this.#ctx.nextRequestId();
    const key = JSON.stringify(broadcast.namespace);
    const done = new Promise<void>((resolve, reject) => {
      this.#pendingPublish.set(requestId, { broadcast, resolve, reject });
    });
    this.#ctx.send(new PublishNamespace({ requestId, trackNamespace: broadcast.namespace }));
    await done;
    this.#published.set(key, broadcast);
    broadcast.onClose(() => {
      if (this.#published.get(key) !== broadcast) return;
      this.#published.delete(key);
      if (!this.#ctx.signal.aborted) {
        this.#ctx.send(new PublishNamespaceDone({ trackNamespace: broadcast.namespace }));
      }
    });
  }

  onPublishNamespaceOk(message: PublishNamespaceOk): void {
    const pending = this.#takePending(message.requestId);
    pending.resolve();
  }

  onPublishNamespaceError(message: PublishNamespaceError): void {
    const pending = this.#takePending(message.requestId);
    pending.reject(new MoqError(message.errorCode, message.reasonPhrase, 'request'));
  }

  onPublishNamespaceCancel(message: PublishNamespaceCancel): void {
    const key = JSON.stringify(message.trackNamespace);
    const broadcast = this.#published.get(key);
    this.#published.delete(key);
    broadcast?.close(new MoqError(message.errorCode, message.reasonPhrase, 'request'));
  }

  onSubscribe(message: Subscribe): void {
    // §SUBSCRIBE: one active subscription per track and session. A switching-set subscription
    // is ours (README, "Server-side ABR"): it counts as a track of its own per set, so a viewer
    // may narrow its set, or pick one of its renditions, while the old subscription still plays.
    const trackKey = JSON.stringify([
      ...message.trackNamespace,
      message.trackName,
      ...(message.parameters.switchingSet ? [Array.from(message.parameters.switchingSet)] : []),
    ]);
    // Draft-18 drops that rule (each request is a stream of its own, and a re-SUBSCRIBE may
    // overtake the reset of the one it replaces), so there both are served.
    if (this.#activeTracks.has(trackKey) && this.#ctx.version !== Version.DRAFT_18) {
      throw MoqError.protocolViolation(
        `second subscription to ${message.trackNamespace.join('/')}/${message.trackName}`,
      );
    }
    let sender: SubscriptionSender;
    let served: ServedSubscription;
    try {
      ({ sender, served } = this.#startSubscription(message));
    } catch (error) {
      this.#ctx.requestFinished();
      this.#ctx.send(subscribeError(message.requestId, error));
      return;
    }
    this.#senders.set(message.requestId, sender);
    this.#served.set(message.requestId, served);
    this.#activeTracks.set(trackKey, message.requestId);
    this.#trackOfRequest.set(message.requestId, trackKey);
    void sender.finished.then(() => {
      this.#senders.delete(message.requestId);
      this.#served.delete(message.requestId);
      this.#releaseTrack(trackKey, message.requestId);
      this.#ctx.requestFinished();
    });
  }

  onFetch(message: Fetch): void {
    let range: FetchRange;
    try {
      range = FetchResponder.range(
        message,
        (namespace, name) => this.#resolve(namespace)?.liveTrack(name),
        (requestId) => this.#senders.get(requestId)?.joinable(),
      );
    } catch (error) {
      this.#ctx.requestFinished();
      this.#ctx.send(errorReply(message.requestId, error));
      return;
    }
    void this.#fetches.serve(message, range).finally(() => this.#ctx.requestFinished());
  }

  onFetchCancel(message: FetchCancel): void {
    this.#fetches.cancel(message.requestId);
  }

  onSubscribeUpdate(message: SubscribeUpdate): void {
    this.#senders.get(message.requestId)?.updatePriority(message.subscriberPriority);
  }

  onUnsubscribe(message: Unsubscribe): void {
    // The subscriber is done with the track from here on: a new SUBSCRIBE for it (a relay whose
    // last viewer left and the next one came) is no second subscription, although this one's
    // last streams and PUBLISH_DONE may still be on their way.
    const trackKey = this.#trackOfRequest.get(message.requestId);
    if (trackKey !== undefined) this.#releaseTrack(trackKey, message.requestId);
    this.#senders.get(message.requestId)?.stop(PublishDoneCode.SUBSCRIPTION_ENDED, 'unsubscribed');
  }

  #releaseTrack(trackKey: string, requestId: number): void {
    this.#trackOfRequest.delete(requestId);
    if (this.#activeTracks.get(trackKey) === requestId) this.#activeTracks.delete(trackKey);
  }

  onTrackStatus(message: TrackStatus): void {
    this.#ctx.requestFinished();
    let broadcast: BroadcastProducer | undefined;
    try {
      broadcast = this.#resolve(message.trackNamespace);
    } catch (error) {
      // A refusal (e.g. UNAUTHORIZED) answers this request only.
      this.#ctx.send(
        new TrackStatusError({
          requestId: message.requestId,
          ...errorFields(error, TrackStatusErrorCode.INTERNAL_ERROR),
        }),
      );
      return;
    }
    const track = broadcast?.track(message.trackName);
    if (!track) {
      this.#ctx.send(
        new TrackStatusError({
          requestId: message.requestId,
          errorCode: TrackStatusErrorCode.TRACK_DOES_NOT_EXIST,
          reasonPhrase: 'no such track',
        }),
      );
      return;
    }
    const latest = track.latest;
    this.#ctx.send(
      new TrackStatusOk({
        requestId: message.requestId,
        trackAlias: 0,
        expiresMs: 0,
        groupOrder: GroupOrder.Ascending,
        largestLocation: latest
          ? { group: latest.groupId, object: Math.max(0, latest.nextObjectId - 1) }
          : undefined,
        parameters: new Parameters(),
      }),
    );
  }

  onSubscribeNamespace(message: SubscribeNamespace): void {
    const handler = this.#ctx.options.onSubscribeNamespace;
    const prefix = message.trackNamespacePrefix;
    let announcements: AsyncIterable<{ namespace: readonly string[]; active: boolean }>;
    const watch = new AbortController();
    try {
      if (!handler) {
        throw new MoqError(SubscribeNamespaceErrorCode.NOT_SUPPORTED, 'not a relay', 'request');
      }
      announcements = handler(prefix, AbortSignal.any([watch.signal, this.#ctx.signal]));
    } catch (error) {
      this.#ctx.requestFinished();
      this.#ctx.send(
        new SubscribeNamespaceError({
          requestId: message.requestId,
          ...errorFields(error, SubscribeNamespaceErrorCode.INTERNAL_ERROR),
        }),
      );
      return;
    }
    const key = JSON.stringify(prefix);
    this.#namespaceWatches.get(key)?.abort();
    this.#namespaceWatches.set(key, watch);
    this.#watchByRequest.set(message.requestId, key);
    this.#ctx.send(new SubscribeNamespaceOk({ requestId: message.requestId }));
    void this.#forwardAnnouncements(announcements, watch.signal);
  }

  onUnsubscribeNamespace(message: UnsubscribeNamespace): void {
    const key =
      message.requestId === undefined
        ? JSON.stringify(message.trackNamespacePrefix)
        : this.#watchByRequest.get(message.requestId);
    if (key === undefined) return;
    this.#namespaceWatches.get(key)?.abort();
    this.#namespaceWatches.delete(key);
    this.#ctx.requestFinished();
  }

  /** Settles when every subscription whose track ended has sent its last group and PUBLISH_DONE. */
  async ending(): Promise<void> {
    const ending = [...this.#senders.values()].filter((s) => s.isEnding);
    await Promise.allSettled(ending.map((s) => s.finished));
  }

  /** The session ended: stop every subscription (no PUBLISH_DONE can be sent any more). */
  close(): void {
    this.#fetches.close();
    for (const sender of this.#senders.values()) sender.abandon();
    for (const watch of this.#namespaceWatches.values()) watch.abort();
    for (const pending of this.#pendingPublish.values()) {
      pending.reject(
        new MoqError(PublishNamespaceErrorCode.INTERNAL_ERROR, 'session closed', 'request'),
      );
    }
    this.#pendingPublish.clear();
  }

  #startSubscription(message: Subscribe): {
    sender: SubscriptionSender;
    served: ServedSubscription;
  } {
    const broadcast = this.#resolve(message.trackNamespace);
    if (!broadcast) {
      throw new MoqError(
        SubscribeErrorCode.TRACK_DOES_NOT_EXIST,
        `no broadcast ${message.trackNamespace.join('/')}`,
        'request',
      );
    }
    const { consumer, switchingSet } = this.#consumerFor(broadcast, message);
    const trackAlias = this.#nextAlias++;
    const served = { namespace: message.trackNamespace, trackName: consumer.name, switchingSet };
    const sender = new SubscriptionSender(this.#ctx, {
      requestId: message.requestId,
      trackAlias,
      consumer,
      subscriberPriority: message.subscriberPriority,
      forward: message.forward,
      endGroup:
        message.filter.type === FilterType.AbsoluteRange ? message.filter.endGroup : undefined,
      maxInflightGroups: this.#ctx.options.maxInflightGroups ?? DEFAULT_MAX_INFLIGHT_GROUPS,
      ...supersededAfter(message),
      sendOk: (largest) =>
        this.#ctx.send(
          new SubscribeOk({
            requestId: message.requestId,
            trackAlias,
            expiresMs: 0,
            groupOrder: GroupOrder.Ascending,
            largestLocation: largest,
          }),
        ),
    });
    return { sender, served };
  }

  /**
   * The reader a subscription sends from: the track itself, or — for a SWITCHING_SET of two or
   * more tracks — what the session's switching-set handler (the relay's ABR) chooses. A set of one
   * is a plain subscription to that track.
   */
  #consumerFor(
    broadcast: BroadcastProducer,
    message: Subscribe,
  ): { consumer: TrackConsumer; switchingSet: boolean } {
    const raw = message.parameters.switchingSet;
    if (raw === undefined) {
      return {
        consumer: broadcast.subscribe(message.trackName, startOf(message), FORWARDED),
        switchingSet: false,
      };
    }
    let entries: SwitchingSetEntry[];
    try {
      entries = decodeSwitchingSet(raw);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new MoqError(
        SubscribeErrorCode.INTERNAL_ERROR,
        `malformed SWITCHING_SET: ${why}`,
        'request',
      );
    }
    const [only] = entries;
    if (entries.length === 1 && only) {
      return {
        consumer: broadcast.subscribe(only.trackName, startOf(message), FORWARDED),
        switchingSet: false,
      };
    }
    const open = this.#ctx.options.openSwitchingSet;
    if (!open) {
      throw new MoqError(SubscribeErrorCode.NOT_SUPPORTED, 'no switching sets here', 'request');
    }
    return { consumer: open({ broadcast, entries }), switchingSet: true };
  }

  #resolve(namespace: readonly string[]): BroadcastProducer | undefined {
    const resolver = this.#ctx.options.resolveBroadcast;
    if (resolver) return resolver(namespace);
    for (let length = namespace.length; length > 0; length--) {
      const found = this.#published.get(JSON.stringify(namespace.slice(0, length)));
      if (found) return found;
    }
    return undefined;
  }

  async #forwardAnnouncements(
    announcements: AsyncIterable<{ namespace: readonly string[]; active: boolean }>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      for await (const { namespace, active } of announcements) {
        if (signal.aborted) return;
        if (!active) {
          this.#ctx.send(new PublishNamespaceDone({ trackNamespace: namespace }));
          continue;
        }
        const requestId = await this.#ctx.nextRequestId();
        // The peer's answer is not awaited: discovery is one-way news for a subscriber.
        this.#pendingPublish.set(requestId, {
          broadcast: undefined as unknown as BroadcastProducer,
          resolve: () => undefined,
          reject: () => undefined,
        });
        this.#ctx.send(new PublishNamespace({ requestId, trackNamespace: namespace }));
      }
    } catch {
      // The session or the watch ended.
    }
  }

  #takePending(requestId: number): PendingPublish {
    const pending = this.#pendingPublish.get(requestId);
    if (!pending)
      throw MoqError.protocolViolation(`no PUBLISH_NAMESPACE with request id ${requestId}`);
    this.#pendingPublish.delete(requestId);
    return pending;
  }
}

/**
 * What a subscriber is sent: every group, a late one too (a relay passes on what it got; the
 * subscriber's reader decides whether a group that came after a newer one still matters).
 */
const FORWARDED = { lateGroups: true } as const;

/**
 * Where a subscription starts. Largest Object starts at the *beginning* of the newest group
 * rather than after its newest object (§SUBSCRIBE): a viewer can only decode from a group's
 * start, @moq/lite rejects a group whose first object is not 0, and the joining FETCH the
 * draft intends for the gap would cost a round trip at every join. A strict subscriber sees
 * objects at or below SUBSCRIBE_OK's Largest Location it did not ask for, and can drop them.
 */
function startOf(message: Subscribe): TrackStart {
  switch (message.filter.type) {
    case FilterType.NextGroupStart:
      return 'next';
    case FilterType.LargestObject:
      return 'latest';
    default:
      return { group: message.filter.start.group };
  }
}

function errorFields(
  error: unknown,
  fallback: number,
): { errorCode: number; reasonPhrase: string } {
  if (error instanceof MoqError) return { errorCode: error.code, reasonPhrase: error.reason };
  return {
    errorCode: fallback,
    reasonPhrase: error instanceof Error ? error.message : String(error),
  };
}

function subscribeError(requestId: number, error: unknown): SubscribeError {
  if (error instanceof ModelError && error.code === 'TRACK_NOT_FOUND') {
    return new SubscribeError({
      requestId,
      errorCode: SubscribeErrorCode.TRACK_DOES_NOT_EXIST,
      reasonPhrase: error.message,
    });
  }
  return new SubscribeError({
    requestId,
    ...errorFields(error, SubscribeErrorCode.INTERNAL_ERROR),
  });
}
