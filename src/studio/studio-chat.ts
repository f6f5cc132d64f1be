import { ChatRoom, SeenMessages } from '../chat/index.js';
import type { MoqSession } from '../moq/index.js';
import type { StudioChatMessage } from './studio-api.js';

/** Chat messages kept for pages that open late (getChat). */
export const CHAT_HISTORY = 200;

/**
 * The studio's view of its viewers' chat: while live, the room of the broadcast is read on the
 * publishing session (so it works the same with the embedded relay and a remote one), and
 * every message is pushed as a `chat` event and kept for `getChat`.
 */
export class StudioChat {
  readonly #history: StudioChatMessage[] = [];
  readonly #seen = new SeenMessages();

  constructor(private readonly emit: (message: StudioChatMessage) => void) {}

  get history(): StudioChatMessage[] {
    return structuredClone(this.#history);
  }

  /** Reads `broadcastName`'s room on `session` until the session ends or `signal` aborts. */
  follow(session: MoqSession, broadcastName: string, signal: AbortSignal): void {
    const room = new ChatRoom(session, broadcastName, { signal });
    void this.#read(room);
  }

  async #read(room: ChatRoom): Promise<void> {
    for await (const received of room.messages()) {
      if (!this.#seen.isNew(received)) continue; // replayed after a reconnect or a new go-live
      const message: StudioChatMessage = {
        viewerId: received.viewerId,
        ...(received.name === undefined ? {} : { name: received.name }),
        text: received.text,
        sentAt: received.sentAt,
        receivedAt: received.receivedAt,
      };
      this.#history.push(message);
      if (this.#history.length > CHAT_HISTORY) this.#history.shift();
      this.emit(message);
    }
  }
}
