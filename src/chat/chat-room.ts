import { ChangeSignal, GroupConsumer, type MoqSession, type TrackConsumer } from '../moq/index.js';
import {
  CHAT_TRACK,
  MAX_MESSAGE_BYTES,
  broadcastParts,
  chatPrefix,
  decodeMessage,
  isViewerId,
} from './chat-message.js';
import { TokenBucket, type RateLimit } from './rate-limit.js';

/** A message as a reader receives it. */
export interface ReceivedChatMessage {
  viewerId: string;
  /** The message's group id: its place in the viewer's sequence. */
  sequence: number;
  name?: string;
  text: string;
  sentAt: number;
  /** When this reader received it (ms since the epoch). */
  receivedAt: number;
}

/** What a reader dropped, by cause. */
export interface ChatRoomCounters {
  received: number;
  /** Past a viewer's receive rate limit. */
  rateLimited: number;
  /** Larger than MAX_MESSAGE_BYTES. */
  oversize: number;
  /** Not UTF-8 JSON, or not a valid message. */
  invalid: number;
  /** Viewers followed now. */
  viewers: number;
  /** Of those, the ones whose `messages` subscription the relay accepted. */
  subscribed: number;
  /** Viewers not followed because the room was full. */
  viewersRefused: number;
}

/**
 * Looser than the sender's 1/s burst 5: a viewer's recent history arrives at once when we
 * subscribe, and an honest client never trips it; a modified one flooding does.
 */
export const RECEIVE_LIMIT: RateLimit = { perSecond: 2, burst: 10 };
/** Messages waiting for a slow consumer before the oldest are dropped. */
const QUEUE_LIMIT = 1000;
/** Viewers followed at once: each is a subscription, and announcing is free for anyone. */
export const MAX_VIEWERS = 500;

export interface ChatRoomOptions {
  limit?: RateLimit;
  /** Default MAX_VIEWERS. */
  maxViewers?: number;
  now?: () => number;
  /** Ends the room: discovery and every subscription stop. */
  signal?: AbortSignal;
}

/**
 * The room of one broadcast, as any reader (the studio, a watch page) sees it: viewers found by
 * SUBSCRIBE_NAMESPACE under `<broadcast>/chat`, each viewer's `messages` track subscribed, the
 * messages yielded in arrival order. Every viewer has its own receive limit, so one flooding
 * viewer loses its own messages and nobody else's. A viewer going away ends quietly.
 */
export class ChatRoom {
  readonly counters: ChatRoomCounters = {
    received: 0,
    rateLimited: 0,
    oversize: 0,
    invalid: 0,
    viewers: 0,
    viewersRefused: 0,
    subscribed: 0,
  };
  readonly #session: MoqSession;
  readonly #broadcast: readonly string[];
  readonly #limit: RateLimit;
  readonly #maxViewers: number;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  readonly #viewers = new Map<string, AbortController>();
  readonly #queue: ReceivedChatMessage[] = [];
  readonly #changed = new ChangeSignal();
  #ended = false;

  constructor(
    session: MoqSession,
    broadcast: string | readonly string[],
    options: ChatRoomOptions = {},
  ) {
    this.#session = session;
    this.#broadcast = broadcastParts(broadcast);
    this.#limit = options.limit ?? RECEIVE_LIMIT;
    this.#maxViewers = options.maxViewers ?? MAX_VIEWERS;
    this.#now = options.now ?? Date.now;
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
    if (options.signal?.aborted) this.close();
    void this.#discover();
  }

  /**
   * Messages in arrival order, until the room closes or its session ends. One reader: two
   * loops over it would share the messages between them.
   */
  async *messages(): AsyncGenerator<ReceivedChatMessage> {
    for (;;) {
      const next = this.#queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      await this.#changed.changed();
    }
  }

  /** Stops discovery and every subscription. Safe to call twice. */
  close(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    this.#end();
  }

  async #discover(): Promise<void> {
    const signal = this.#abort.signal;
    const prefix = chatPrefix(this.#broadcast);
    try {
      for await (const { namespace, active } of this.#session.announced(prefix, signal)) {
        const viewerId = namespace[prefix.length];
        if (namespace.length !== prefix.length + 1 || !viewerId || !isViewerId(viewerId)) continue;
        if (active) this.#follow(viewerId, namespace);
        else this.#leave(viewerId);
      }
    } catch {
      // The session ended or refused discovery: the room ends.
    }
    this.#end();
  }

  #follow(viewerId: string, namespace: readonly string[]): void {
    if (this.#viewers.has(viewerId)) return;
    if (this.#viewers.size >= this.#maxViewers) {
      this.counters.viewersRefused++;
      return;
    }
    const stop = new AbortController();
    this.#viewers.set(viewerId, stop);
    this.counters.viewers = this.#viewers.size;
    const signal = AbortSignal.any([stop.signal, this.#abort.signal]);
    void this.#read(viewerId, namespace, signal).finally(() => {
      if (this.#viewers.get(viewerId) === stop) this.#viewers.delete(viewerId);
      this.counters.viewers = this.#viewers.size;
    });
  }

  /** Forgotten at once, so a viewer that comes back (a reconnect) is followed again. */
  #leave(viewerId: string): void {
    const stop = this.#viewers.get(viewerId);
    this.#viewers.delete(viewerId);
    this.counters.viewers = this.#viewers.size;
    stop?.abort();
  }

  async #read(viewerId: string, namespace: readonly string[], signal: AbortSignal): Promise<void> {
    let track: TrackConsumer | undefined;
    try {
      // From group 0: whatever recent history the relay holds, then each new message.
      // A message whose stream was overtaken by the next one's (loss) still counts.
      track = await this.#session.subscribe(namespace, CHAT_TRACK, {
        start: { group: 0 },
        lateGroups: true,
      });
      this.counters.subscribed++;
      const bucket = new TokenBucket(this.#limit, this.#now);
      for (;;) {
        const group = await track.nextGroup(signal);
        if (group === undefined) return;
        if (!(group instanceof GroupConsumer)) continue; // lagged: older messages are gone
        const object = await group.readObject(signal);
        if (object) this.#accept(viewerId, group.groupId, object.payload, bucket);
      }
    } catch {
      // The viewer left, its track ended with an error, or we stopped: quietly done.
    } finally {
      if (track) this.counters.subscribed--;
      track?.close();
    }
  }

  #accept(viewerId: string, sequence: number, payload: Uint8Array, bucket: TokenBucket): void {
    if (payload.length > MAX_MESSAGE_BYTES) {
      this.counters.oversize++;
      return;
    }
    if (!bucket.take()) {
      this.counters.rateLimited++;
      return;
    }
    let message;
    try {
      message = decodeMessage(payload);
    } catch {
      this.counters.invalid++;
      return;
    }
    this.counters.received++;
    if (this.#queue.length >= QUEUE_LIMIT) this.#queue.shift();
    this.#queue.push({ viewerId, sequence, ...message, receivedAt: this.#now() });
    this.#changed.notify();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#abort.abort();
    for (const stop of this.#viewers.values()) stop.abort();
    this.#changed.notify();
  }
}
