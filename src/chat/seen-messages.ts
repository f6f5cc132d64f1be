import type { ReceivedChatMessage } from './chat-room.js';

/**
 * Remembers the newest sequence seen per viewer, across rooms. A reader that reconnects (or
 * goes live again) opens a new room, which replays what the relay still caches: those are
 * messages it already has.
 */
export class SeenMessages {
  readonly #newest = new Map<string, number>();

  /** True the first time a viewer's message is seen; false for a replay. */
  isNew(message: Pick<ReceivedChatMessage, 'viewerId' | 'sequence'>): boolean {
    const newest = this.#newest.get(message.viewerId);
    if (newest !== undefined && message.sequence <= newest) return false;
    this.#newest.set(message.viewerId, message.sequence);
    return true;
  }
}
