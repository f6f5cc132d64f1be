import { MoqError, PublishDoneCode } from '../error/index.js';
import {
  type ControlMessage,
  D18MessageDecoder,
  FetchError,
  PublishDone,
  PublishError,
  PublishNamespaceCancel,
  PublishNamespaceError,
  PublishNamespaceDone,
  RequestError,
  SubscribeError,
  SubscribeNamespaceError,
  TrackStatusError,
  Unsubscribe,
  encodeD18GoAway,
  encodeD18Message,
} from '../message/index.js';
import type { ControlChannel } from './control-channel.js';
import { MessageQueue } from './d18-message-queue.js';
import { D18PeerRequestIds } from './d18-request-ids.js';
import { RequestTable } from './request-table.js';
import { readChunks, StreamWriter } from './stream-io.js';
import { controlFirst } from './control-first.js';

/** §Stream Reset Error Codes. */
const RESET_CANCELLED = 0x1;
/** §REQUEST_ERROR codes: NOT_SUPPORTED. */
const NOT_SUPPORTED = 0x3;
/** How long a peer's request stream may take to deliver its first message before it is reset. */
export const D18_FIRST_MESSAGE_MS = 10_000;

/** Request types of draft-18 this session does not serve: answered REQUEST_ERROR, then FIN. */
const REFUSED_REQUEST_TYPES: ReadonlyMap<number, string> = new Map([
  [0x1d, 'PUBLISH'],
  [0x16, 'FETCH'],
  [0xd, 'TRACK_STATUS'],
  [0x50, 'SUBSCRIBE_NAMESPACE'],
  [0x51, 'SUBSCRIBE_TRACKS'],
]);

/** One request stream: who opened it and what it was. */
interface RequestStream {
  readonly writer: StreamWriter;
  readonly kind: 'subscribe' | 'publish_namespace';
  readonly ours: boolean;
  readonly namespace?: readonly string[];
  /** Set once the stream's request is answered or over; its end then means nothing more. */
  answered: boolean;
  done: boolean;
  readonly cancel: AbortController;
}

export interface D18ControlOptions {
  /** The raw transport: request streams are opened and accepted on it. */
  readonly transport: WebTransport;
  /** Our control stream (our SETUP already written). */
  readonly ourControl: StreamWriter;
  /** The peer's control stream, its SETUP already read by `decoder`. */
  readonly peerControl: ReadableStream<Uint8Array>;
  readonly decoder: D18MessageDecoder;
  readonly isClient: boolean;
  /** Aborts when the session ends. */
  readonly signal: AbortSignal;
  /** Hands over the peer's request streams that arrived before its SETUP (now or later). */
  readonly adoptEarly?: (serve: (stream: WebTransportBidirectionalStream) => void) => void;
  /** Default `D18_FIRST_MESSAGE_MS`. */
  readonly firstMessageMs?: number;
}

/**
 * Draft-18's control plane in draft-14 shapes (§Session initialization, §Request Cancellation):
 * each request (SUBSCRIBE, PUBLISH_NAMESPACE) on a bidirectional stream of its own, its answers
 * on that stream with the Request ID taken from the stream; cancelling a request ends its stream.
 * What the session sends is routed to the right stream, and stream ends become the messages
 * they mean (UNSUBSCRIBE, PUBLISH_NAMESPACE_DONE, PUBLISH_DONE, ...), so MoqSession runs as is.
 */
export class D18Control implements ControlChannel {
  readonly #options: D18ControlOptions;
  readonly #queue = new MessageQueue();
  readonly #streams = new Map<number, RequestStream>();
  readonly #answers = new RequestTable();
  readonly #peerIds: D18PeerRequestIds;
  #pending: Promise<void> = Promise.resolve();
  #goAwaySeen = false;

  constructor(options: D18ControlOptions) {
    this.#options = options;
    this.#peerIds = new D18PeerRequestIds(!options.isClient);
    void this.#readPeerControl();
    void this.#acceptRequests();
  }

  messages(signal?: AbortSignal): AsyncGenerator<ControlMessage> {
    return this.#queue.drain(signal);
  }

  async flushed(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.#pending.catch(() => undefined), late]);
    clearTimeout(timer);
  }

  send(message: ControlMessage): Promise<void> {
    const work = this.#route(message);
    this.#pending = this.#pending.then(() => work).catch(() => undefined);
    return work;
  }

  async #route(m: ControlMessage): Promise<void> {
    switch (m.kind) {
      case 'subscribe':
      case 'publish_namespace':
        return this.#openRequest(m);
      case 'subscribe_ok':
      case 'publish_namespace_ok':
        return this.#answer(m.requestId, m, false);
      case 'subscribe_error':
      case 'publish_namespace_error':
      case 'publish_done':
        return this.#answer(m.requestId, m, true);
      case 'unsubscribe':
        return this.#cancel(m.requestId);
      case 'publish_namespace_done':
        return this.#finishNamespace(m.trackNamespace, true);
      case 'publish_namespace_cancel':
        return this.#finishNamespace(m.trackNamespace, false);
      case 'go_away':
        return this.#sendGoAway(m.newSessionUri);
      case 'fetch':
      case 'track_status':
      case 'subscribe_namespace':
      case 'publish':
        return this.#refuseLocally(m);
      default:
        // MAX_REQUEST_ID / REQUESTS_BLOCKED: QUIC stream limits do that job in draft-18.
        // SUBSCRIBE_UPDATE, FETCH_CANCEL, UNSUBSCRIBE_NAMESPACE: not built (README).
        return;
    }
  }

  async #openRequest(m: Extract<ControlMessage, { requestId: number }>): Promise<void> {
    let stream: WebTransportBidirectionalStream;
    try {
      stream = await this.#options.transport.createBidirectionalStream();
    } catch (error) {
      // No stream, no request: it fails alone (the session ends by itself if the transport did).
      if (!this.#options.signal.aborted) this.#queue.push(openFailed(m, error));
      return;
    }
    const writer = new StreamWriter(controlFirst(stream.writable));
    const kind = m.kind === 'subscribe' ? 'subscribe' : 'publish_namespace';
    const entry: RequestStream = {
      writer,
      kind,
      ours: true,
      namespace: 'trackNamespace' in m ? m.trackNamespace : undefined,
      answered: false,
      done: false,
      cancel: new AbortController(),
    };
    this.#streams.set(m.requestId, entry);
    this.#answers.outgoing(m);
    void this.#readAnswers(m.requestId, stream.readable as ReadableStream<Uint8Array>, entry);
    // A peer that stops the stream at once fails the write: the stream's end says the rest.
    await writer.write(encodeD18Message(m)).catch(() => undefined);
  }

  /** The peer's answers to one of our requests, until the stream ends. */
  async #readAnswers(
    requestId: number,
    readable: ReadableStream<Uint8Array>,
    entry: RequestStream,
  ): Promise<void> {
    const decoder = new D18MessageDecoder({ requestId, reader: this.#reader });
    const signal = AbortSignal.any([entry.cancel.signal, this.#options.signal]);
    try {
      for await (const chunk of readChunks(readable, signal, RESET_CANCELLED)) {
        decoder.push(chunk);
        for (let m = decoder.next(); m; m = decoder.next()) this.#onAnswer(requestId, m, entry);
      }
    } catch (error) {
      if (error instanceof MoqError && error.scope === 'session') return this.#queue.fail(error);
    }
    this.#ourStreamEnded(requestId, entry);
  }

  #onAnswer(requestId: number, m: ControlMessage, entry: RequestStream): void {
    if (entry.done) return;
    if (m.kind === 'subscribe_ok' || m.kind === 'request_ok') entry.answered = true;
    const shaped = this.#answers.incoming(m);
    if (shaped) this.#queue.push(shaped);
    if (m.kind !== 'request_error' && m.kind !== 'publish_done') return;
    // The request is over: our side ends, and nothing more is read from the peer's.
    entry.done = true;
    entry.writer.finish();
    this.#streams.delete(requestId);
    entry.cancel.abort();
  }

  /** Our request's stream ended without its last word: say what that means. */
  #ourStreamEnded(requestId: number, entry: RequestStream): void {
    this.#streams.delete(requestId);
    if (entry.done || entry.cancel.signal.aborted || this.#options.signal.aborted) return;
    entry.done = true;
    const reasonPhrase = 'request stream ended';
    if (entry.kind === 'subscribe') {
      this.#queue.push(
        entry.answered
          ? new PublishDone({
              requestId,
              statusCode: PublishDoneCode.SUBSCRIPTION_ENDED,
              streamCount: 'unknown',
              reasonPhrase,
            })
          : new SubscribeError({ requestId, errorCode: 0, reasonPhrase }),
      );
    } else if (entry.namespace) {
      this.#queue.push(
        new PublishNamespaceCancel({
          trackNamespace: entry.namespace,
          requestId,
          errorCode: 0,
          reasonPhrase,
        }),
      );
    }
  }

  async #answer(requestId: number, m: ControlMessage, last: boolean): Promise<void> {
    const entry = this.#streams.get(requestId);
    if (!entry || entry.ours || entry.writer.isDone) return;
    try {
      await entry.writer.write(encodeD18Message(m));
    } catch {
      // The peer cancelled the request (STOP_SENDING): that request is over, nothing else.
      entry.done = true;
      this.#streams.delete(requestId);
      entry.cancel.abort();
      return;
    }
    if (!last) return;
    entry.done = true;
    entry.writer.finish();
    // Nothing more is read on it: a peer that never ends its side holds nothing of ours.
    this.#streams.delete(requestId);
    entry.cancel.abort();
  }

  /** UNSUBSCRIBE: §Request Cancellation, reset our side and stop reading. */
  async #cancel(requestId: number): Promise<void> {
    const entry = this.#streams.get(requestId);
    if (!entry?.ours) return;
    this.#streams.delete(requestId);
    entry.writer.reset(RESET_CANCELLED, 'unsubscribed');
    entry.cancel.abort();
  }

  /** PUBLISH_NAMESPACE_DONE (ours: FIN) or _CANCEL (the peer's: reset). */
  async #finishNamespace(namespace: readonly string[], ours: boolean): Promise<void> {
    const key = JSON.stringify(namespace);
    for (const [id, entry] of this.#streams) {
      if (entry.ours !== ours || entry.kind !== 'publish_namespace') continue;
      if (JSON.stringify(entry.namespace) !== key) continue;
      this.#streams.delete(id);
      entry.done = true;
      if (ours) entry.writer.finish();
      else entry.writer.reset(RESET_CANCELLED, 'namespace cancelled');
      entry.cancel.abort();
    }
  }

  async #sendGoAway(uri: string): Promise<void> {
    // §GOAWAY: a client's URI is always empty.
    const newSessionUri = this.#options.isClient ? '' : uri;
    await this.#options.ourControl.write(encodeD18GoAway(newSessionUri, this.#peerIds.next));
  }

  /** A request this draft-18 session cannot make: its error answer comes back at once. */
  async #refuseLocally(m: Extract<ControlMessage, { requestId: number }>): Promise<void> {
    const fields = {
      requestId: m.requestId,
      errorCode: NOT_SUPPORTED,
      reasonPhrase: `${m.kind} is not built for draft-18`,
    };
    const answer =
      m.kind === 'fetch'
        ? new FetchError(fields)
        : m.kind === 'track_status'
          ? new TrackStatusError(fields)
          : m.kind === 'publish'
            ? new PublishError(fields)
            : new SubscribeNamespaceError(fields);
    queueMicrotask(() => this.#queue.push(answer));
  }

  get #reader(): 'client' | 'server' {
    return this.#options.isClient ? 'client' : 'server';
  }

  async #readPeerControl(): Promise<void> {
    const { decoder, peerControl, signal } = this.#options;
    try {
      for await (const chunk of readChunks(peerControl, signal)) {
        decoder.push(chunk);
        for (let m = decoder.next(); m; m = decoder.next()) this.#onControlMessage(m);
      }
      if (!signal.aborted) {
        this.#queue.fail(MoqError.protocolViolation('the peer closed its control stream'));
      }
    } catch (error) {
      if (signal.aborted) return;
      this.#queue.fail(
        error instanceof MoqError && error.scope === 'session'
          ? error
          : MoqError.protocolViolation('the peer reset its control stream'),
      );
    }
  }

  /** After SETUP the control stream carries one GOAWAY at most (§GOAWAY). */
  #onControlMessage(m: ControlMessage): void {
    if (m.kind !== 'go_away' || this.#goAwaySeen) {
      throw MoqError.protocolViolation(`${m.kind} on the control stream`);
    }
    if (!this.#options.isClient && m.newSessionUri !== '') {
      throw MoqError.protocolViolation('a client GOAWAY with a New Session URI');
    }
    this.#goAwaySeen = true;
    this.#queue.push(m);
  }

  async #acceptRequests(): Promise<void> {
    this.#options.adoptEarly?.((stream) => void this.#servePeerRequest(stream));
    const reader = (
      this.#options.transport
        .incomingBidirectionalStreams as ReadableStream<WebTransportBidirectionalStream>
    ).getReader();
    const stop = (): void => void reader.cancel().catch(() => undefined);
    this.#options.signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        void this.#servePeerRequest(value);
      }
    } catch {
      // The session ended.
    }
  }

  /** One request stream of the peer's: its first message, then its end. */
  async #servePeerRequest(stream: WebTransportBidirectionalStream): Promise<void> {
    const writer = new StreamWriter(controlFirst(stream.writable));
    const readable = stream.readable as ReadableStream<Uint8Array>;
    const decoder = new D18MessageDecoder({ requestId: 0, reader: this.#reader });
    const cancel = new AbortController();
    const signal = AbortSignal.any([cancel.signal, this.#options.signal]);
    let entry: RequestStream | undefined;
    let requestId = 0;
    // A stream that never says what it asks holds nothing of ours for long.
    const timer = setTimeout(() => {
      if (!entry) cancel.abort();
    }, this.#options.firstMessageMs ?? D18_FIRST_MESSAGE_MS);
    try {
      for await (const chunk of readChunks(readable, signal, RESET_CANCELLED)) {
        decoder.push(chunk);
        if (!entry) {
          const type = decoder.peekType();
          if (type === undefined) continue;
          if (REFUSED_REQUEST_TYPES.has(type)) return this.#refuseStream(type, writer, cancel);
          const first = decoder.next();
          if (!first) continue;
          ({ entry, requestId } = this.#firstOfPeer(first, writer, cancel));
          this.#queue.push(first);
        }
        // A request stream carries nothing more we read (REQUEST_UPDATE is not built).
        const more = decoder.next(requestId);
        if (more) throw MoqError.protocolViolation(`${more.kind} on a request stream`);
      }
    } catch (error) {
      if (error instanceof MoqError && error.scope === 'session') return this.#queue.fail(error);
    } finally {
      clearTimeout(timer);
    }
    if (!entry) {
      if (!this.#options.signal.aborted) writer.reset(RESET_CANCELLED, 'no request');
      return;
    }
    this.#peerStreamEnded(requestId, entry);
  }

  #firstOfPeer(
    first: ControlMessage,
    writer: StreamWriter,
    cancel: AbortController,
  ): { entry: RequestStream; requestId: number } {
    if (first.kind !== 'subscribe' && first.kind !== 'publish_namespace') {
      throw MoqError.protocolViolation(`a request stream begins with ${first.kind}`);
    }
    const requestId = first.requestId;
    this.#peerIds.accept(requestId);
    const entry: RequestStream = {
      writer,
      kind: first.kind,
      ours: false,
      namespace: first.trackNamespace,
      answered: false,
      done: false,
      cancel,
    };
    this.#streams.set(requestId, entry);
    return { entry, requestId };
  }

  /** The peer ended its request: the session hears UNSUBSCRIBE / PUBLISH_NAMESPACE_DONE. */
  #peerStreamEnded(requestId: number, entry: RequestStream): void {
    if (this.#streams.get(requestId) !== entry) return;
    this.#streams.delete(requestId);
    if (this.#options.signal.aborted) return;
    if (!entry.writer.isDone) entry.writer.finish();
    if (entry.kind === 'subscribe') {
      if (!entry.done) this.#queue.push(new Unsubscribe({ requestId }));
      return;
    }
    if (entry.namespace) {
      this.#queue.push(new PublishNamespaceDone({ trackNamespace: entry.namespace, requestId }));
    }
  }

  async #refuseStream(type: number, writer: StreamWriter, cancel: AbortController): Promise<void> {
    cancel.abort();
    const reasonPhrase = `${REFUSED_REQUEST_TYPES.get(type)} is not built for draft-18`;
    await writer
      .write(
        encodeD18Message(
          new RequestError({
            requestId: 0,
            errorCode: NOT_SUPPORTED,
            retryInterval: 0,
            reasonPhrase,
          }),
        ),
      )
      .catch(() => undefined);
    writer.finish();
  }
}

/** The answer a request gets when its stream could not be opened. */
function openFailed(
  m: Extract<ControlMessage, { requestId: number }>,
  error: unknown,
): ControlMessage {
  const fields = {
    requestId: m.requestId,
    errorCode: 0,
    reasonPhrase: `no request stream: ${error instanceof Error ? error.message : String(error)}`,
  };
  return m.kind === 'subscribe' ? new SubscribeError(fields) : new PublishNamespaceError(fields);
}
