import {
  CapsuleReader,
  CapsuleType,
  FrameReader,
  FrameType,
  H3Error,
  H3ErrorCode,
  decodeCloseSession,
  encodeBidiStreamHeader,
  encodeCloseSession,
  encodeFrame,
  encodeUniStreamHeader,
} from '../h3/index.js';
import type { QuicConnection } from '../quic/index.js';
import type { SessionStats, TransportSession, TransportStream } from '../session.js';
import { TransportError } from '../transport-error.js';
import { Datagrams } from './wt-datagrams.js';
import { ReceiveStream, SendStream, toTransportError, type StreamOwner } from './wt-stream.js';

/** What a session needs from the HTTP/3 connection that carries it. */
export interface SessionCarrier {
  readonly connection: QuicConnection;
  sendDatagram(sessionId: number, payload: Uint8Array): void;
  maxDatagramPayloadBytes(sessionId: number): number;
  sessionEnded(sessionId: number): void;
  /** Routes a stream's readable events to this session (streams we opened). */
  registerStream(streamId: number, session: WebTransportSession): void;
  /** Both halves of a stream are done: stop routing it. */
  forgetStream(streamId: number): void;
}

/** A bidirectional WebTransport stream (either side opened it). */
export type BidiStream = TransportStream;

const SESSION_GONE = 0x170d7b68; // WT_SESSION_GONE, an HTTP/3 code (draft §4.6)

/**
 * One WebTransport session over HTTP/3 (draft-ietf-webtrans-http3), shaped like the W3C
 * `WebTransport` object. The session is the CONNECT stream; its streams carry its id.
 */
export class WebTransportSession implements TransportSession, StreamOwner {
  readonly ready: Promise<void>;
  readonly closed: Promise<WebTransportCloseInfo>;
  readonly datagrams: Datagrams;
  readonly incomingBidirectionalStreams: ReadableStream<BidiStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  protocol = '';
  /** Client role: handles the response HEADERS that arrive on the CONNECT stream. */
  onResponseHeaders: ((headerBlock: Uint8Array) => void) | undefined;

  #receivers = new Map<number, ReceiveStream>();
  #senders = new Map<number, SendStream>();
  #bidiController!: ReadableStreamDefaultController<BidiStream>;
  #uniController!: ReadableStreamDefaultController<ReadableStream<Uint8Array>>;
  #frames: FrameReader;
  #capsules = new CapsuleReader();
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #resolveClosed!: (info: WebTransportCloseInfo) => void;
  #rejectClosed!: (error: Error) => void;
  #state: 'connecting' | 'connected' | 'closed' = 'connecting';
  #connectFinSent = false;

  constructor(
    private readonly carrier: SessionCarrier,
    readonly sessionId: number,
    frames: FrameReader,
  ) {
    this.#frames = frames;
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.closed = new Promise((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    // Nobody may be listening for these; the user sees them through `ready`/`closed`.
    this.ready.catch(() => undefined);
    this.closed.catch(() => undefined);
    this.datagrams = new Datagrams(
      (payload) => carrier.sendDatagram(sessionId, payload),
      () => carrier.maxDatagramPayloadBytes(sessionId),
    );
    this.incomingBidirectionalStreams = new ReadableStream<BidiStream>({
      start: (controller) => void (this.#bidiController = controller),
    });
    this.incomingUnidirectionalStreams = new ReadableStream<ReadableStream<Uint8Array>>({
      start: (controller) => void (this.#uniController = controller),
    });
  }

  get connection(): QuicConnection {
    return this.carrier.connection;
  }

  get isClosed(): boolean {
    return this.#state === 'closed';
  }

  stats(): SessionStats {
    return this.connection.stats();
  }

  /** The server accepted (or, on the server, we did): streams may flow. */
  markReady(protocol: string): void {
    if (this.#state !== 'connecting') return;
    this.protocol = protocol;
    this.#state = 'connected';
    this.#resolveReady();
  }

  async createBidirectionalStream(options?: WebTransportSendStreamOptions): Promise<BidiStream> {
    await this.ready;
    const preamble = encodeBidiStreamHeader(this.sessionId);
    const streamId = await this.#open(true, preamble);
    this.carrier.registerStream(streamId, this);
    return this.#bidi(streamId, undefined, options?.sendOrder);
  }

  async createUnidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<WritableStream<Uint8Array>> {
    await this.ready;
    const streamId = await this.#open(false, encodeUniStreamHeader(this.sessionId));
    const sender = this.#addSender(streamId, options?.sendOrder);
    return sender.writable;
  }

  /** A peer stream whose preamble named this session; `initial` is what followed it. */
  acceptStream(
    streamId: number,
    bidi: boolean,
    initial: Uint8Array | undefined,
    fin: boolean,
  ): void {
    if (this.#state === 'closed') {
      this.connection.shutdown(streamId, 'read', SESSION_GONE);
      if (bidi) this.connection.shutdown(streamId, 'write', SESSION_GONE);
      return;
    }
    if (bidi) {
      this.#bidiController.enqueue(this.#bidi(streamId, initial, undefined, fin));
      return;
    }
    const receiver = this.#addReceiver(streamId, initial, fin);
    this.#uniController.enqueue(receiver.readable);
  }

  onStreamReadable(streamId: number): void {
    this.#receivers.get(streamId)?.onReadable();
  }

  onDatagram(payload: Uint8Array): void {
    this.datagrams.push(payload);
  }

  /** Bytes arrived on the CONNECT stream: HTTP/3 frames whose DATA carries capsules. */
  onConnectStreamData(data: Uint8Array | undefined, fin: boolean): void {
    try {
      if (data) this.#frames.push(data);
      for (let frame = this.#frames.next(); frame; frame = this.#frames.next()) {
        if (frame.type === FrameType.DATA) this.#onCapsuleBytes(frame.payload);
        if (frame.type === FrameType.HEADERS && this.#state === 'connecting') {
          this.onResponseHeaders?.(frame.payload);
        }
        if (this.#state === 'closed') return;
      }
      if (fin) {
        this.#frames.end();
        this.#finish({ closeCode: 0, reason: '' }, undefined);
      }
    } catch (error) {
      const code = error instanceof H3Error ? error.code : H3ErrorCode.MESSAGE_ERROR;
      this.connection.shutdown(this.sessionId, 'read', code);
      this.connection.shutdown(this.sessionId, 'write', code);
      this.#finish(undefined, new TransportError(`session aborted: ${String(error)}`, 'session'));
    }
  }

  close(info: WebTransportCloseInfo = {}): void {
    if (this.#state === 'closed') return;
    const closeCode = info.closeCode ?? 0;
    const capsule = encodeCloseSession(closeCode, info.reason ?? '');
    this.#sendConnectFin(encodeFrame(FrameType.DATA, capsule));
    this.#finish({ closeCode, reason: info.reason ?? '' }, undefined);
  }

  /** The CONNECT stream was reset, the request was refused, or the connection died. */
  abort(error: Error): void {
    this.#finish(undefined, error);
  }

  onReceiveDone(streamId: number): void {
    this.#receivers.delete(streamId);
    if (!this.#senders.has(streamId)) this.carrier.forgetStream(streamId);
  }

  onSendDone(streamId: number): void {
    this.#senders.delete(streamId);
    if (!this.#receivers.has(streamId)) this.carrier.forgetStream(streamId);
  }

  #onCapsuleBytes(payload: Uint8Array): void {
    this.#capsules.push(payload);
    for (let capsule = this.#capsules.next(); capsule; capsule = this.#capsules.next()) {
      if (capsule.type === CapsuleType.CLOSE_WEBTRANSPORT_SESSION) {
        const info = decodeCloseSession(capsule.payload);
        this.#sendConnectFin(new Uint8Array(0));
        this.#finish(info, undefined);
        return;
      }
      // DRAIN and unknown (GREASE) capsules need no action from us.
    }
  }

  async #open(bidi: boolean, preamble: Uint8Array): Promise<number> {
    if (this.#state === 'closed') throw new TransportError('session is closed', 'session');
    try {
      return await this.connection.openStream(bidi, preamble);
    } catch (error) {
      throw toTransportError(error);
    }
  }

  #bidi(
    streamId: number,
    initial: Uint8Array | undefined,
    sendOrder?: number | null,
    fin = false,
  ): BidiStream {
    const receiver = this.#addReceiver(streamId, initial, fin);
    const sender = this.#addSender(streamId, sendOrder);
    return { readable: receiver.readable, writable: sender.writable };
  }

  #addReceiver(streamId: number, initial: Uint8Array | undefined, fin: boolean): ReceiveStream {
    const receiver = new ReceiveStream(this, streamId, initial, fin);
    if (!fin) this.#receivers.set(streamId, receiver);
    return receiver;
  }

  #addSender(streamId: number, sendOrder?: number | null): SendStream {
    const sender = new SendStream(this, streamId);
    if (typeof sendOrder === 'number') sender.writable.sendOrder = sendOrder;
    this.#senders.set(streamId, sender);
    return sender;
  }

  #sendConnectFin(bytes: Uint8Array): void {
    if (this.#connectFinSent) return;
    this.#connectFinSent = true;
    this.connection.write(this.sessionId, bytes, true).catch(() => undefined);
  }

  #finish(info: WebTransportCloseInfo | undefined, error: Error | undefined): void {
    if (this.#state === 'closed') return;
    const wasConnecting = this.#state === 'connecting';
    this.#state = 'closed';
    const gone = error ?? new TransportError('WebTransport session closed', 'session');
    for (const receiver of [...this.#receivers.values()]) {
      this.connection.shutdown(receiver.streamId, 'read', SESSION_GONE);
      receiver.fail(gone);
    }
    for (const sender of [...this.#senders.values()]) sender.fail(gone, SESSION_GONE);
    this.datagrams.close(error);
    closeQuietly(this.#bidiController, error);
    closeQuietly(this.#uniController, error);
    if (wasConnecting) this.#rejectReady(gone);
    if (error) this.#rejectClosed(error);
    else this.#resolveClosed(info ?? { closeCode: 0, reason: '' });
    this.carrier.sessionEnded(this.sessionId);
  }
}

function closeQuietly(controller: ReadableStreamDefaultController<never>, error?: Error): void {
  try {
    if (error) controller.error(error);
    else controller.close();
  } catch {
    // Already closed by the reader cancelling.
  }
}
