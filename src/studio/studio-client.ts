/**
 * StudioApi over the headless studio's WebSocket (`moq-studio serve`), for the renderer when no
 * Electron preload provides `window.studio`. Runtime-agnostic: it only needs a W3C WebSocket.
 */
import { EventHub } from './event-hub.js';
import type {
  RelayInfo,
  SettingsPatch,
  StudioApi,
  StudioErrorCode,
  StudioEventName,
  StudioEvents,
  StudioListener,
  StudioLogEntry,
  StudioMethod,
  StudioChatMessage,
  StudioSettings,
  StudioStatus,
  StudioVersions,
} from './studio-api.js';
import { STUDIO_WS_PATH } from './studio-channels.js';
import { StudioError } from './studio-error.js';

/** Bytes queued on the socket before pushChunk waits for them to drain. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const DRAIN_POLL_MS = 20;

export type WebSocketLike = Pick<
  WebSocket,
  'send' | 'close' | 'readyState' | 'bufferedAmount' | 'addEventListener' | 'binaryType'
>;
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface StudioClientOptions {
  /** Default: the global WebSocket (browsers, Node ≥ 22). */
  WebSocket?: WebSocketConstructor;
  signal?: AbortSignal;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: StudioError) => void;
}

export class StudioClient implements StudioApi {
  readonly closed: Promise<void>;
  readonly #socket: WebSocketLike;
  readonly #events = new EventHub();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closedBecause: StudioError | undefined;
  #settleClosed: () => void = () => undefined;

  private constructor(socket: WebSocketLike) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => (this.#settleClosed = resolve));
    socket.addEventListener('message', (event) => this.#onMessage(event.data));
    socket.addEventListener('close', (event) =>
      this.#onClose(
        `the studio connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`,
      ),
    );
  }

  /** Opens `url` (`ws://host:port/api?token=…`); rejects when the socket cannot open (401). */
  static connect(url: string, options: StudioClientOptions = {}): Promise<StudioClient> {
    const Socket = options.WebSocket ?? globalThis.WebSocket;
    if (!Socket) throw new StudioError('INTERNAL', 'this runtime has no WebSocket');
    const socket = new Socket(url);
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      const fail = (why: string): void =>
        reject(
          new StudioError(
            'RELAY_UNREACHABLE',
            `cannot open the studio connection: ${why}`,
            'check the address and the token in the page URL',
          ),
        );
      options.signal?.addEventListener('abort', () => {
        socket.close();
        fail('cancelled');
      });
      socket.addEventListener('open', () => resolve(new StudioClient(socket)));
      socket.addEventListener('error', () => fail('refused (wrong token?) or unreachable'));
    });
  }

  /** StudioApi over an already open socket-shaped channel (a message port, see studio-port). */
  static overSocket(socket: WebSocketLike): StudioClient {
    return new StudioClient(socket);
  }

  /** The page's own studio: same host, `/api`, and the `token` of the page's URL. */
  static fromPage(href: string, options: StudioClientOptions = {}): Promise<StudioClient> {
    const page = new URL(href);
    const url = new URL(STUDIO_WS_PATH, page);
    url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    url.searchParams.set('token', page.searchParams.get('token') ?? '');
    return StudioClient.connect(url.href, options);
  }

  on<E extends StudioEventName>(event: E, listener: StudioListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  getVersion = (): Promise<StudioVersions> => this.#call('getVersion');
  getSettings = (): Promise<StudioSettings> => this.#call('getSettings');
  updateSettings = (patch: SettingsPatch): Promise<StudioSettings> =>
    this.#call('updateSettings', patch);
  goLive = (): Promise<StudioStatus> => this.#call('goLive');
  stop = (): Promise<StudioStatus> => this.#call('stop');
  retryNow = (): Promise<StudioStatus> => this.#call('retryNow');
  getStatus = (): Promise<StudioStatus> => this.#call('getStatus');
  getLog = (): Promise<StudioLogEntry[]> => this.#call('getLog');
  endChunks = (): Promise<void> => this.#call('endChunks');
  getRelayInfo = (): Promise<RelayInfo> => this.#call('getRelayInfo');
  getChat = (): Promise<StudioChatMessage[]> => this.#call('getChat');

  /** One binary frame; waits while the socket has much unsent, so capture cannot pile up here. */
  pushChunk = async (bytes: Uint8Array): Promise<void> => {
    this.#throwIfClosed();
    while (this.#socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      this.#throwIfClosed();
    }
    // Chunks never live in a SharedArrayBuffer; the DOM typing just cannot know that.
    this.#socket.send(bytes as Uint8Array<ArrayBuffer>);
  };

  close(): void {
    this.#socket.close(1000, 'closed by the page');
    this.#onClose('the studio connection was closed');
  }

  #call<T>(method: StudioMethod, ...params: unknown[]): Promise<T> {
    this.#throwIfClosed();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    const message = JSON.parse(data) as Record<string, unknown>;
    if (typeof message['event'] === 'string') {
      const event = message['event'] as StudioEventName;
      this.#events.emit(event, message['data'] as StudioEvents[typeof event]);
      return;
    }
    const pending = this.#pending.get(message['id'] as number);
    if (!pending) return;
    this.#pending.delete(message['id'] as number);
    const error = message['error'] as { code: StudioErrorCode; message: string; hint?: string };
    if (error) pending.reject(new StudioError(error.code, error.message, error.hint ?? ''));
    else pending.resolve(message['result']);
  }

  #onClose(why: string): void {
    if (this.#closedBecause) return;
    this.#closedBecause = new StudioError('INTERNAL', why, 'reload the page');
    for (const pending of this.#pending.values()) pending.reject(this.#closedBecause);
    this.#pending.clear();
    this.#settleClosed();
  }

  #throwIfClosed(): void {
    if (this.#closedBecause) throw this.#closedBecause;
  }
}
