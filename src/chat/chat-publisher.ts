import { BroadcastProducer, type MoqSession, type TrackProducer } from '../moq/index.js';
import { ChatError } from './chat-error.js';
import {
  CHAT_TRACK,
  broadcastParts,
  chatNamespace,
  encodeMessage,
  isViewerId,
  randomViewerId,
  validateMessage,
  type ChatWireMessage,
} from './chat-message.js';
import { TokenBucket, type RateLimit } from './rate-limit.js';

/** One message a second, five in a burst: a conversation, not a flood. */
export const SEND_LIMIT: RateLimit = { perSecond: 1, burst: 5 };
/** Messages the viewer's own track keeps for readers that subscribe late. */
const HISTORY_GROUPS = 20;

export interface ChatPublisherOptions {
  /** Default: a new random id. */
  viewerId?: string;
  name?: string;
  limit?: RateLimit;
  now?: () => number;
}

/**
 * A viewer's side of the chat: the broadcast `<broadcast>/chat/<viewerId>` with its `messages`
 * track. It outlives sessions: after a reconnect, `publish` the same publisher on the new
 * session and the sequence goes on.
 */
export class ChatPublisher {
  readonly viewerId: string;
  readonly broadcast: BroadcastProducer;
  readonly #track: TrackProducer;
  readonly #bucket: TokenBucket;
  readonly #now: () => number;
  #name: string | undefined;
  #sequence = 0;

  constructor(broadcast: string | readonly string[], options: ChatPublisherOptions = {}) {
    this.viewerId = options.viewerId ?? randomViewerId();
    if (!isViewerId(this.viewerId)) {
      throw new ChatError('INVALID_MESSAGE', `"${this.viewerId}" is not a chat viewer id`);
    }
    this.broadcast = new BroadcastProducer(chatNamespace(broadcastParts(broadcast), this.viewerId));
    this.#track = this.broadcast.createTrack(CHAT_TRACK, { cacheGroups: HISTORY_GROUPS });
    this.#now = options.now ?? Date.now;
    this.#bucket = new TokenBucket(options.limit ?? SEND_LIMIT, this.#now);
    this.name = options.name;
  }

  get name(): string | undefined {
    return this.#name;
  }

  /** The display name sent with later messages; empty or undefined = none. */
  set name(value: string | undefined) {
    const checked = validateMessage({ text: '-', name: value ?? '', sentAt: 0 });
    this.#name = checked.name;
  }

  /** Messages sent so far (the next message's group id). */
  get sent(): number {
    return this.#sequence;
  }

  /** How long until `send` would accept a message (0 = now). */
  get retryAfterMs(): number {
    return this.#bucket.waitMs();
  }

  /** Announces the chat on `session` (again after a reconnect). */
  publish(session: MoqSession): Promise<void> {
    return session.publish(this.broadcast);
  }

  /**
   * Sends one message: INVALID_MESSAGE for empty or too long text, RATE_LIMITED (with
   * `retryAfterMs`) past the limit, CLOSED after close. Returns what was sent.
   */
  send(text: string): ChatWireMessage {
    if (this.#track.isClosed) throw new ChatError('CLOSED', 'the chat is closed');
    const message = validateMessage({
      text,
      sentAt: this.#now(),
      ...(this.#name ? { name: this.#name } : {}),
    });
    const payload = encodeMessage(message);
    if (!this.#bucket.take()) {
      const wait = this.#bucket.waitMs();
      throw new ChatError(
        'RATE_LIMITED',
        `slow down: the next message can go in ${Math.ceil(wait / 1000)} s`,
        wait,
      );
    }
    const group = this.#track.createGroup(this.#nextGroupId());
    this.#sequence = group.groupId + 1;
    group.write(payload);
    group.close();
    return message;
  }

  /** The message sequence, past any group written to the track directly. */
  #nextGroupId(): number {
    return Math.max(this.#sequence, (this.#track.latest?.groupId ?? -1) + 1);
  }

  /** Ends the chat track: readers see this viewer leave. */
  close(): void {
    this.broadcast.close();
  }
}
