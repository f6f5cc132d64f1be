import { http3CodeToWebTransport, webTransportCodeToHttp3 } from '../h3/index.js';
import { QuicError, type QuicConnection } from '../quic/index.js';
import { TransportError } from '../transport-error.js';

/** Bytes a receive stream buffers beyond what its reader took; quiche holds the rest. */
const RECEIVE_HIGH_WATER_BYTES = 256 * 1024;

/** The WebTransport stream error code a reason carries (as the W3C API reads it), or 0. */
export function streamErrorCodeOf(reason: unknown): number {
  if (typeof reason === 'object' && reason !== null && 'streamErrorCode' in reason) {
    const code = reason.streamErrorCode;
    if (typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 0xffffffff) {
      return code;
    }
  }
  return 0;
}

/** Turns a QUIC stream failure into the error the W3C API shows (`source: 'stream'`). */
export function toTransportError(error: unknown): Error {
  if (!(error instanceof QuicError))
    return error instanceof Error ? error : new Error(String(error));
  if (error.code === 'STREAM_RESET' || error.code === 'STREAM_STOPPED') {
    const code =
      error.applicationCode === undefined
        ? null
        : (http3CodeToWebTransport(error.applicationCode) ?? null);
    const what = error.code === 'STREAM_RESET' ? 'RESET_STREAM' : 'STOP_SENDING';
    return new TransportError(`Received ${what}. streamErrorCode=${code}`, 'stream', code);
  }
  return new TransportError(error.message, 'session');
}

/** Callbacks a stream uses to tell its owner it is finished (for bookkeeping). */
export interface StreamOwner {
  readonly connection: QuicConnection;
  onReceiveDone(streamId: number): void;
  onSendDone(streamId: number): void;
}

/**
 * The receiving half of a WebTransport stream as a WHATWG ReadableStream. It reads from quiche
 * only while the reader has room, so a slow reader back-pressures the peer through QUIC flow
 * control instead of growing memory.
 */
export class ReceiveStream {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #done = false;
  #reading = false;

  constructor(
    private readonly owner: StreamOwner,
    readonly streamId: number,
    initial: Uint8Array | undefined,
    finished = false,
  ) {
    this.#done = finished;
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
          if (initial && initial.length > 0) controller.enqueue(initial);
          if (finished) controller.close();
        },
        pull: () => this.onReadable(),
        cancel: (reason) => this.#stopSending(reason),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: RECEIVE_HIGH_WATER_BYTES }),
    );
  }

  get isDone(): boolean {
    return this.#done;
  }

  /** quiche has data, FIN or a reset for this stream. */
  onReadable(): void {
    // enqueue() may call pull() synchronously, which lands here again: one reader at a time.
    if (this.#reading) return;
    this.#reading = true;
    try {
      this.#readAvailable();
    } finally {
      this.#reading = false;
    }
  }

  #readAvailable(): void {
    while (!this.#done && (this.#controller.desiredSize ?? 0) > 0) {
      let chunk;
      try {
        chunk = this.owner.connection.read(this.streamId);
      } catch (error) {
        this.fail(toTransportError(error));
        return;
      }
      if (chunk.data) this.#controller.enqueue(chunk.data);
      if (chunk.fin) {
        this.#finish();
        this.#controller.close();
        return;
      }
      if (!chunk.data) return;
    }
  }

  /** Ends the stream with an error (session gone, connection lost, peer reset). */
  fail(error: Error): void {
    if (this.#done) return;
    this.#finish();
    this.#controller.error(error);
  }

  #stopSending(reason: unknown): void {
    if (this.#done) return;
    this.#finish();
    const code = webTransportCodeToHttp3(streamErrorCodeOf(reason));
    this.owner.connection.shutdown(this.streamId, 'read', code);
  }

  #finish(): void {
    this.#done = true;
    this.owner.onReceiveDone(this.streamId);
  }
}

/** A WritableStream with the W3C WebTransportSendStream's `sendOrder` (higher goes first). */
export interface SendOrderedWritable extends WritableStream<Uint8Array> {
  sendOrder: number | null;
}

/**
 * The sending half of a WebTransport stream as a WHATWG WritableStream, with the W3C
 * `sendOrder` attribute: the application (MoQ) orders its streams by it, also after they
 * opened, as it would on a browser's WebTransport.
 */
export class SendStream {
  readonly writable: SendOrderedWritable;
  #controller!: WritableStreamDefaultController;
  #done = false;
  #sendOrder: number | null = null;

  constructor(
    private readonly owner: StreamOwner,
    readonly streamId: number,
  ) {
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      write: (chunk) => this.#send(chunk, false),
      close: () => this.#send(new Uint8Array(0), true).then(() => this.#finish()),
      abort: (reason) => this.#reset(reason),
    }) as SendOrderedWritable;
    Object.defineProperty(this.writable, 'sendOrder', {
      get: () => this.#sendOrder,
      set: (order: number) => this.#setSendOrder(order),
      enumerable: true,
    });
  }

  /** The W3C `sendOrder` onto quiche's urgency (see urgencyForSendOrder). */
  #setSendOrder(order: number): void {
    if (typeof order !== 'number' || Number.isNaN(order)) {
      throw new TypeError(`sendOrder must be a number, not ${String(order)}`);
    }
    this.#sendOrder = order;
    this.owner.connection.setPriority(this.streamId, urgencyForSendOrder(order), false);
  }

  /** Ends the stream with an error (session gone, connection lost). */
  fail(error: Error, resetCode?: number): void {
    if (this.#done) return;
    if (resetCode !== undefined) this.owner.connection.shutdown(this.streamId, 'write', resetCode);
    this.#finish();
    this.#controller.error(error);
  }

  async #send(chunk: Uint8Array, fin: boolean): Promise<void> {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError('WebTransport streams carry Uint8Array chunks');
    try {
      await this.owner.connection.write(this.streamId, chunk, fin);
    } catch (error) {
      this.#finish();
      throw toTransportError(error);
    }
  }

  #reset(reason: unknown): void {
    if (this.#done) return;
    this.#finish();
    const code = webTransportCodeToHttp3(streamErrorCodeOf(reason));
    this.owner.connection.shutdown(this.streamId, 'write', code);
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.owner.onSendDone(this.streamId);
  }
}

/**
 * W3C sendOrder (higher first) onto quiche's urgency (lower first, 0..7; a stream given none
 * keeps quiche's default, 127, behind all of these): 0 for anything ≥ 256, 1..6 spread over
 * 0..255, 7 below zero. Streams given a sendOrder are non-incremental, so equal urgency goes in
 * stream order, one stream at a time: an older MoQ group finishes before a newer one starts.
 */
function urgencyForSendOrder(sendOrder: number): number {
  if (sendOrder >= 256) return 0;
  if (sendOrder < 0) return 7;
  return 6 - Math.floor((sendOrder * 6) / 256);
}
