import { ChatError, ChatPublisher, ChatRoom, SeenMessages } from '../chat/index.js';
import type { MoqSession } from '../moq/index.js';
import { ChatPanel } from './chat-panel.js';
import { connectRelay, type RelayTransport } from '../media/player-browser/index.js';

export interface WatchChatOptions {
  /** The relay, as the player gets it. */
  url: string;
  /** The broadcast whose room this is. */
  name: string;
  container: HTMLElement;
  transport?: RelayTransport | 'auto';
  /** The relay's certificate SHA-256 (hex), when the page carries it. */
  certificateSha256?: string;
}

const RECONNECT_MS = 2000;
const NAME_KEY = 'moq-chat-name';

/**
 * The watch page's chat: its own MoQ session to the relay (the player's comes and goes with
 * the broadcast; the chat stays), on which the viewer publishes its messages track and reads
 * the room. Reconnects on its own, keeping the viewer id, so the room sees the same viewer.
 */
export class WatchChat {
  readonly publisher: ChatPublisher;
  readonly panel: ChatPanel;
  readonly #options: WatchChatOptions;
  readonly #abort = new AbortController();
  readonly #seen = new SeenMessages();

  constructor(options: WatchChatOptions) {
    this.#options = options;
    this.publisher = new ChatPublisher(options.name);
    try {
      this.publisher.name = storedName();
    } catch {
      // A stored name that is no longer valid is forgotten.
    }
    this.panel = new ChatPanel(
      options.container,
      { onSend: (text) => this.#send(text), onName: (name) => this.#setName(name) },
      this.publisher.name ?? '',
    );
    void this.#run();
  }

  get viewerId(): string {
    return this.publisher.viewerId;
  }

  close(): void {
    this.#abort.abort();
    this.publisher.close();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      this.panel.setReady(false, 'Connecting to the chat…');
      let session: MoqSession | undefined;
      try {
        ({ session } = await connectRelay(this.#options.url, {
          signal,
          ...(this.#options.transport ? { transport: this.#options.transport } : {}),
          ...(this.#options.certificateSha256
            ? { certificateSha256: this.#options.certificateSha256 }
            : {}),
        }));
        await this.#join(session);
        await session.closed.catch(() => undefined);
      } catch {
        // Unreachable or refused: try again shortly, on a fresh session.
        session?.close();
      }
      if (signal.aborted) return;
      this.panel.setReady(false, 'Chat disconnected: reconnecting…');
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  async #join(session: MoqSession): Promise<void> {
    this.#abort.signal.addEventListener('abort', () => session.close(), { once: true });
    const room = new ChatRoom(session, this.#options.name, { signal: this.#abort.signal });
    await this.publisher.publish(session);
    this.panel.setReady(true, '');
    void this.#show(room);
  }

  async #show(room: ChatRoom): Promise<void> {
    for await (const message of room.messages()) {
      if (!this.#seen.isNew(message)) continue; // replayed after a reconnect
      this.panel.add(message, message.viewerId === this.viewerId);
    }
  }

  #send(text: string): void {
    try {
      this.publisher.send(text);
      this.panel.sent();
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      if (error.code === 'RATE_LIMITED')
        this.panel.coolDown(error.retryAfterMs ?? 1000, error.message);
      else this.panel.setStatus(error.message, true);
    }
  }

  #setName(name: string): void {
    try {
      this.publisher.name = name;
      localStorage.setItem(NAME_KEY, this.publisher.name ?? '');
    } catch (error) {
      if (error instanceof ChatError) this.panel.setStatus(error.message, true);
    }
  }
}

function storedName(): string | undefined {
  try {
    return localStorage.getItem(NAME_KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked: no remembered name
  }
}
